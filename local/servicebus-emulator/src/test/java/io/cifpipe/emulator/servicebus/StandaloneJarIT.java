package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar as the devstack runs it: CLI flags, one stdout line, admin endpoint, journal across restarts. */
class StandaloneJarIT {

    private static Process launch(Path journal) throws Exception {
        String jar = System.getProperty("emulator.jar", "target/servicebus-emulator.jar");
        assertThat(Path.of(jar)).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-jar",
                        jar,
                        "--port",
                        "0",
                        "--admin-port",
                        "0",
                        "--queue",
                        "call-events,lockDuration=PT5S,maxDeliveryCount=3",
                        "--topic",
                        "call-outcomes,duplicateDetectionWindow=PT10M",
                        "--subscription",
                        "call-outcomes/telephony,maxDeliveryCount=5",
                        "--subscription",
                        "call-outcomes/operations,filter=outcome IN ('Accepted', 'Rejected')",
                        "--key",
                        "app=app-key:Send|Listen",
                        "--journal",
                        journal.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static String firstLine(Process process) throws Exception {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(60, TimeUnit.SECONDS);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM: shutdown hook flushes the journal
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Test
    void jarPrintsAConnectionStringTheSdkUsesAndKeepsMessagesAcrossRestarts(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("journal");
        Process first = launch(journal);
        try {
            String connectionString = firstLine(first);
            assertThat(connectionString)
                    .startsWith("Endpoint=sb://127.0.0.1:")
                    .contains("SharedAccessKeyName=app;")
                    .endsWith(";UseDevelopmentEmulator=true");
            try (ServiceBusSenderClient sender = new ServiceBusClientBuilder()
                    .connectionString(connectionString)
                    .sender()
                    .queueName("call-events")
                    .buildClient()) {
                sender.sendMessage(new ServiceBusMessage("durable").setMessageId("d-1"));
            }
        } finally {
            stop(first);
        }
        assertThat(Files.size(journal.resolve("journal.log"))).isPositive();

        Process second = launch(journal);
        try {
            String connectionString = firstLine(second);
            try (ServiceBusReceiverClient receiver = new ServiceBusClientBuilder()
                    .connectionString(connectionString)
                    .receiver()
                    .queueName("call-events")
                    .buildClient()) {
                ServiceBusReceivedMessage m = SettlementTestSupport.receiveOne(receiver);
                assertThat(m.getBody().toString()).isEqualTo("durable");
                assertThat(m.getMessageId()).isEqualTo("d-1");
                receiver.complete(m);
            }
        } finally {
            stop(second);
        }
    }

    @Test
    void topicsAndSubscriptionsFromTheCommandLineFanOutAndFilter(@TempDir Path dir) throws Exception {
        Process process = launch(dir.resolve("journal"));
        try {
            ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(firstLine(process));
            try (ServiceBusSenderClient sender =
                            client.sender().topicName("call-outcomes").buildClient();
                    ServiceBusReceiverClient telephony = client.receiver()
                            .topicName("call-outcomes")
                            .subscriptionName("telephony")
                            .buildClient();
                    ServiceBusReceiverClient operations = client.receiver()
                            .topicName("call-outcomes")
                            .subscriptionName("operations")
                            .buildClient()) {
                ServiceBusMessage delivered = new ServiceBusMessage("delivered");
                delivered.getApplicationProperties().put("outcome", "Delivered");
                ServiceBusMessage accepted = new ServiceBusMessage("accepted");
                accepted.getApplicationProperties().put("outcome", "Accepted");
                sender.sendMessage(delivered);
                sender.sendMessage(accepted);
                ServiceBusReceivedMessage t1 = SettlementTestSupport.receiveOne(telephony);
                ServiceBusReceivedMessage t2 = SettlementTestSupport.receiveOne(telephony);
                assertThat(List.of(t1.getBody().toString(), t2.getBody().toString()))
                        .containsExactly("delivered", "accepted");
                ServiceBusReceivedMessage o = SettlementTestSupport.receiveOne(operations);
                assertThat(o.getBody().toString()).isEqualTo("accepted");
                telephony.complete(t1);
                telephony.complete(t2);
                operations.complete(o);
            }
        } finally {
            stop(process);
        }
    }

    @Test
    void subscriptionOfAnUnknownTopicExitsWithUsageError() throws Exception {
        assertThat(usageError("--port", "0", "--subscription", "nope/s")).contains("--topic nope");
    }

    @Test
    void badQueueSpecExitsWithUsageError() throws Exception {
        assertThat(usageError("--port", "0", "--queue", "q,lockDuration=forever"))
                .contains("lockDuration");
    }

    /** Runs the jar with bad arguments: it must exit with code 2; returns what it printed. */
    private static String usageError(String... args) throws Exception {
        String jar = System.getProperty("emulator.jar", "target/servicebus-emulator.jar");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(javaBin, "-jar", jar));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        return output;
    }
}
