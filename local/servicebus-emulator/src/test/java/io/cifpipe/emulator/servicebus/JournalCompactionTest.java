package io.cifpipe.emulator.servicebus;

import static io.cifpipe.emulator.servicebus.SettlementTestSupport.receiveOne;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** While running, the journal is rewritten from the live state once it has grown; nothing live is lost. */
class JournalCompactionTest {

    @Test
    void journalIsCompactedWhileRunningAndStillRecoversLiveMessages(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("journal");
        String previous = System.setProperty(FileJournal.COMPACT_AFTER_PROPERTY, "20000");
        try {
            long bytesSent = 0;
            try (ServiceBusEmulator sb = ServiceBusEmulator.builder()
                    .port(0)
                    .journal(journal)
                    .queue("q")
                    .build()
                    .start()) {
                ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(sb.connectionString());
                try (ServiceBusSenderClient sender =
                                client.sender().queueName("q").buildClient();
                        ServiceBusReceiverClient receiver =
                                client.receiver().queueName("q").buildClient()) {
                    // Steady traffic: 8 rounds of 10 x 1 KB sent and completed, then 5 left in the queue.
                    for (int round = 0; round < 8; round++) {
                        List<ServiceBusMessage> batch = new ArrayList<>();
                        for (int i = 0; i < 10; i++) {
                            batch.add(new ServiceBusMessage(new byte[1000]).setMessageId("r" + round + "-" + i));
                            bytesSent += 1000;
                        }
                        sender.sendMessages(batch);
                        for (int i = 0; i < 10; i++) {
                            receiver.complete(receiveOne(receiver));
                        }
                    }
                    List<ServiceBusMessage> rest = new ArrayList<>();
                    for (int i = 55; i < 60; i++) {
                        rest.add(new ServiceBusMessage(new byte[1000]).setMessageId("m" + i));
                    }
                    sender.sendMessages(rest);
                }
                // 80+ KB of records were appended; compaction (checked about once a second) keeps the file small.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (Files.size(journal.resolve("journal.log")) > 25_000 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(Files.size(journal.resolve("journal.log")))
                        .isLessThan(25_000)
                        .isLessThan(bytesSent / 2);
            }
            try (ServiceBusEmulator sb = ServiceBusEmulator.builder()
                    .port(0)
                    .journal(journal)
                    .queue("q")
                    .build()
                    .start()) {
                assertThat(sb.queueStats("q").total()).isEqualTo(5);
                ServiceBusClientBuilder client = new ServiceBusClientBuilder().connectionString(sb.connectionString());
                try (ServiceBusReceiverClient receiver =
                        client.receiver().queueName("q").buildClient()) {
                    Set<String> ids = new HashSet<>();
                    for (int i = 0; i < 5; i++) {
                        ServiceBusReceivedMessage m = receiveOne(receiver);
                        ids.add(m.getMessageId());
                        receiver.complete(m);
                    }
                    assertThat(ids).containsExactlyInAnyOrder("m55", "m56", "m57", "m58", "m59");
                }
            }
        } finally {
            if (previous == null) {
                System.clearProperty(FileJournal.COMPACT_AFTER_PROPERTY);
            } else {
                System.setProperty(FileJournal.COMPACT_AFTER_PROPERTY, previous);
            }
        }
    }
}
