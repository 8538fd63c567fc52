package io.cifpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The ops library and CLI against the embedded Service Bus emulator, through the real SDK. */
@Tag("slow") // 28 s: real dead-lettering through lock expiries and delivery counts: left out of ./dev test --fast
class DeadLetterOperationsTest {
    private static final String QUEUE = "call-events";

    private ServiceBusEmulator broker;
    private ServiceBusClientBuilder clients;

    @BeforeEach
    void start() {
        broker = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(0)
                .adminPort(0)
                .queue(QueueOptions.of(QUEUE).withLockDuration(Duration.ofSeconds(20)))
                .topic("call-outcomes")
                .subscription("call-outcomes", "telephony")
                .subscription("call-outcomes", "operations")
                .build()
                .start();
        clients = new ServiceBusClientBuilder().connectionString(broker.connectionString());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void listShowAndFilterDeadLetters() {
        deadLetter(offer("call-1", "alice"), "InvalidCallEvent", "/data/agentId: missing");
        deadLetter(offer("call-2", "bob"), "MaxDeliveryCountExceeded", "SignalR unavailable");
        try (DeadLetterOperations ops = new DeadLetterOperations(clients, QUEUE)) {
            List<DeadLetterEntry> all = ops.list(DeadLetterFilter.all());
            assertThat(all).extracting(DeadLetterEntry::callId).containsExactly("call-1", "call-2");
            assertThat(all.get(0).reason()).isEqualTo("InvalidCallEvent");
            assertThat(all.get(0).description()).isEqualTo("/data/agentId: missing");
            assertThat(all.get(0).type()).isEqualTo("call.offered");

            DeadLetterFilter bobOnly = new DeadLetterFilter(null, null, "bob", null, null, 10);
            assertThat(ops.list(bobOnly))
                    .extracting(DeadLetterEntry::reason)
                    .containsExactly("MaxDeliveryCountExceeded");

            long seq = all.get(1).sequenceNumber();
            assertThat(ops.show(seq))
                    .get()
                    .extracting(DeadLetterEntry::body)
                    .asString()
                    .contains("\"callId\":\"call-2\"");
            assertThat(ops.show(seq + 1000)).isEmpty();
            assertThat(ops.list(DeadLetterFilter.all())).hasSize(2); // listing changed nothing
        }
    }

    @Test
    void replaySendsCopiesAndLeavesUnselectedAlone() {
        ServiceBusMessage withNull = offer("call-1", "alice");
        withNull.getApplicationProperties().put("traceparent", null); // AMQP allows null values; seen from dispatch
        deadLetter(withNull, "MaxDeliveryCountExceeded", "outage");
        deadLetter(offer("call-2", "bob"), "InvalidCallEvent", "bad");
        try (DeadLetterOperations ops = new DeadLetterOperations(clients, QUEUE)) {
            DeadLetterFilter outage = new DeadLetterFilter("MaxDeliveryCountExceeded", null, null, null, null, 10);
            ReplaySummary dry = ops.replay(outage, new ReplayOptions(true, null, 3), i -> {});
            assertThat(dry.replayed()).hasSize(1);
            assertThat(ops.list(DeadLetterFilter.all())).hasSize(2);

            ReplaySummary done = ops.replay(outage, new ReplayOptions(false, Duration.ofSeconds(45), 3), i -> {});
            assertThat(done.replayed()).hasSize(1);
            assertThat(done.failed()).isEmpty();
            assertThat(ops.list(DeadLetterFilter.all()))
                    .extracting(DeadLetterEntry::callId)
                    .containsExactly("call-2");

            ServiceBusReceivedMessage back = receiveOne();
            assertThat(back.getApplicationProperties())
                    .containsEntry("callId", "call-1")
                    .containsEntry("replayCount", 1)
                    .containsEntry("originalMessageId", "evt-call-1")
                    .doesNotContainKey("DeadLetterReason");
            assertThat(back.getMessageId()).isNotEqualTo("evt-call-1");
            assertThat(back.getTimeToLive()).isEqualTo(Duration.ofSeconds(45));
        }
    }

    @Test
    void failedSendLosesNothing() {
        deadLetter(offer("call-1", "alice"), "MaxDeliveryCountExceeded", "outage");
        deadLetter(offer("call-2", "alice"), "MaxDeliveryCountExceeded", "outage");
        AtomicInteger sends = new AtomicInteger();
        try (DeadLetterOperations ops = new DeadLetterOperations(clients, QUEUE);
                ServiceBusSenderClient real = clients.sender().queueName(QUEUE).buildClient()) {
            ops.withSender(m -> {
                if (sends.incrementAndGet() == 1) throw new IllegalStateException("simulated outage");
                real.sendMessage(m);
            });
            ReplaySummary s = ops.replay(DeadLetterFilter.all(), new ReplayOptions(false, null, 3), i -> {});
            assertThat(s.failed())
                    .hasSize(1)
                    .first()
                    .extracting(ReplaySummary.Item::detail)
                    .asString()
                    .contains("simulated outage");
            assertThat(s.replayed()).hasSize(1);
            // the failed one is still dead-lettered; the other is back on the queue: nothing lost
            assertThat(ops.list(DeadLetterFilter.all())).hasSize(1);
            assertThat(receiveOne()).isNotNull();
        }
    }

    @Test
    void maxReplaysRefusesLoopingMessages() {
        ServiceBusMessage m = offer("call-1", "alice");
        m.getApplicationProperties().put("replayCount", 3);
        deadLetter(m, "MaxDeliveryCountExceeded", "again");
        try (DeadLetterOperations ops = new DeadLetterOperations(clients, QUEUE)) {
            ReplaySummary s = ops.replay(DeadLetterFilter.all(), new ReplayOptions(false, null, 3), i -> {});
            assertThat(s.replayed()).isEmpty();
            assertThat(s.skipped())
                    .singleElement()
                    .extracting(ReplaySummary.Item::detail)
                    .asString()
                    .contains("--max-replays is 3");
            assertThat(ops.list(DeadLetterFilter.all())).hasSize(1);
        }
    }

    @Test
    void cliPurgeNeedsYesWhenScriptedAndPrintsWhatItRemoved() {
        deadLetter(offer("call-1", "alice"), "InvalidCallEvent", "bad");
        deadLetter(offer("call-2", "bob"), "InvalidCallEvent", "bad");
        String cs = broker.connectionString();
        Result refused = cli("dlq", "purge", "--connection-string", cs, "--agent", "alice");
        assertThat(refused.code).isEqualTo(2);
        assertThat(refused.err).contains("--yes");

        Result purged = cli("dlq", "purge", "--connection-string", cs, "--agent", "alice", "--yes");
        assertThat(purged.code).isZero();
        assertThat(purged.out).contains("purged", "1 selected/done");

        Result list = cli("dlq", "list", "--connection-string", cs, "--output", "json");
        assertThat(list.code).isZero();
        assertThat(list.out).contains("\"callId\" : \"call-2\"").doesNotContain("call-1");

        Result queues = cli("queues", "--connection-string", cs, "--queues", QUEUE);
        assertThat(queues.out).containsPattern("call-events\\s+0\\s+0\\s+0\\s+1");
    }

    @Test
    void cliReportsUnknownQueueAndBadKeyWithExitCodes() {
        String cs = broker.connectionString();
        Result unknown = cli("dlq", "list", "--connection-string", cs, "--queue", "nope");
        assertThat(unknown.code).isEqualTo(4);
        assertThat(unknown.err).contains("queue not found");

        String badKey = cs.replaceAll("SharedAccessKey=[^;]+", "SharedAccessKey=d3JvbmcK");
        Result denied = cli("dlq", "list", "--connection-string", badKey);
        assertThat(denied.code).isEqualTo(3);
        assertThat(denied.err).contains("not authorised").doesNotContain("d3JvbmcK");
    }

    @Test
    void aSubscriptionsDeadLettersCanBeListedCountedAndPurgedButNotReplayed() {
        try (ServiceBusSenderClient sender =
                        clients.sender().topicName("call-outcomes").buildClient();
                ServiceBusReceiverClient telephony = clients.receiver()
                        .topicName("call-outcomes")
                        .subscriptionName("telephony")
                        .disableAutoComplete()
                        .buildClient()) {
            ServiceBusMessage outcome = new ServiceBusMessage("{\"outcome\":\"Accepted\"}").setMessageId("o-1");
            outcome.getApplicationProperties().put("callId", "call-9");
            sender.sendMessage(outcome);
            List<ServiceBusReceivedMessage> got = new ArrayList<>();
            telephony.receiveMessages(1, Duration.ofSeconds(10)).forEach(got::add);
            assertThat(got).hasSize(1);
            telephony.deadLetter(got.get(0), new DeadLetterOptions().setDeadLetterReason("TelephonyRejected"));
        }
        String cs = broker.connectionString();
        Result list = cli(
                "dlq",
                "list",
                "--connection-string",
                cs,
                "--subscription",
                "call-outcomes/telephony",
                "--output",
                "json");
        assertThat(list.code).as(list.err).isZero();
        assertThat(list.out).contains("TelephonyRejected").contains("call-9");
        // The other subscription's copy is not dead-lettered.
        Result other = cli(
                "dlq",
                "list",
                "--connection-string",
                cs,
                "--queue",
                "call-outcomes/subscriptions/operations",
                "--output",
                "json");
        assertThat(other.out).doesNotContain("call-9");
        Result depths = cli("queues", "--connection-string", cs);
        assertThat(depths.code).as(depths.err).isZero();
        assertThat(depths.out)
                .contains("call-outcomes/subscriptions/telephony")
                .contains("call-outcomes/subscriptions/operations");

        Result replay =
                cli("dlq", "replay", "--connection-string", cs, "--subscription", "call-outcomes/telephony", "--yes");
        assertThat(replay.code).isEqualTo(2);
        assertThat(replay.err).contains("cannot be replayed");
        Result bad = cli("dlq", "list", "--connection-string", cs, "--subscription", "call-outcomes");
        assertThat(bad.code).isEqualTo(2);

        Result purge =
                cli("dlq", "purge", "--connection-string", cs, "--subscription", "call-outcomes/telephony", "--yes");
        assertThat(purge.code).as(purge.err).isZero();
        assertThat(broker.subscriptionStats("call-outcomes", "telephony").deadLetter())
                .isZero();
    }

    /** A message dispatch poisoned: re-sent with its cause (PoisonCause), then dead-lettered by the broker. */
    private void poisoned(String callId) {
        ServiceBusMessage m = new ServiceBusMessage("{\"specversion\":\"1.0\",\"id\":\"evt-" + callId
                + "\",\"source\":\"/pbx\"," + "\"type\":\"call.offered\",\"data\":{\"callId\":\"" + callId + "\"}}");
        m.setMessageId("poison-" + callId);
        m.getApplicationProperties().put("callId", callId);
        m.getApplicationProperties().put("poisonReason", "InvalidCallEvent");
        m.getApplicationProperties().put("poisonDescription", "invalid call event: /data/agentId is required");
        deadLetter(m, "MaxDeliveryCountExceeded", "could not be consumed after 5 delivery attempts");
    }

    @Test
    void thePoisonCauseIsShownAndAReplayThatWouldFailAgainIsRefusedUnlessForced() {
        poisoned("call-p");
        deadLetter(offer("call-ok", "alice"), "MaxDeliveryCountExceeded", "outage");
        try (DeadLetterOperations ops = new DeadLetterOperations(clients, QUEUE)) {
            DeadLetterEntry p = ops.list(new DeadLetterFilter(null, "call-p", null, null, null, 10))
                    .get(0);
            assertThat(p.reason()).isEqualTo("MaxDeliveryCountExceeded");
            assertThat(p.causeReason()).isEqualTo("InvalidCallEvent");
            assertThat(p.cause()).isEqualTo("invalid call event: /data/agentId is required");
            assertThat(ReplayCheck.wouldFail(p)).get().asString().contains("/data/agentId");
            assertThat(ops.list(new DeadLetterFilter("InvalidCallEvent", null, null, null, null, 10)))
                    .hasSize(1);

            ReplaySummary s = ops.replay(DeadLetterFilter.all(), new ReplayOptions(false, null, 3), i -> {});
            assertThat(s.replayed()).extracting(ReplaySummary.Item::messageId).containsExactly("evt-call-ok");
            assertThat(s.skipped())
                    .singleElement()
                    .extracting(ReplaySummary.Item::detail)
                    .asString()
                    .contains("would fail again")
                    .contains("/data/agentId");
            assertThat(ops.list(DeadLetterFilter.all()))
                    .extracting(DeadLetterEntry::callId)
                    .containsExactly("call-p");
            receiveOne();

            ReplaySummary forced = ops.replay(DeadLetterFilter.all(), new ReplayOptions(false, null, 3, true), i -> {});
            assertThat(forced.replayed())
                    .singleElement()
                    .extracting(ReplaySummary.Item::detail)
                    .asString()
                    .startsWith("forced; will fail again");
            ServiceBusReceivedMessage back = receiveOne();
            assertThat(back.getApplicationProperties()).doesNotContainKeys("poisonReason", "poisonDescription");
        }
        Result show = cli("dlq", "list", "--connection-string", broker.connectionString());
        assertThat(show.out).doesNotContain("call-p"); // replayed
    }

    @Test
    void cliShowAndListPrintTheCause() {
        poisoned("call-q");
        String cs = broker.connectionString();
        Result list = cli("dlq", "list", "--connection-string", cs);
        assertThat(list.out).contains("CAUSE").contains("/data/agentId is required");
        long seq;
        try (DeadLetterOperations ops = new DeadLetterOperations(clients, QUEUE)) {
            seq = ops.list(DeadLetterFilter.all()).get(0).sequenceNumber();
        }
        Result show = cli("dlq", "show", "--connection-string", cs, Long.toString(seq));
        assertThat(show.code).isZero();
        assertThat(show.out)
                .contains("cause             InvalidCallEvent: invalid call event: /data/agentId is required")
                .contains("would fail again");
        Result json = cli("dlq", "list", "--connection-string", cs, "--output", "json");
        assertThat(json.out).contains("\"cause\" : \"invalid call event: /data/agentId is required\"");
        Result replay = cli("dlq", "replay", "--connection-string", cs, "--yes");
        assertThat(replay.out).contains("would fail again");
        assertThat(replay.code).isZero();
    }

    private record Result(int code, String out, String err) {}

    private static Result cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = OpsCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static ServiceBusMessage offer(String callId, String agentId) {
        ServiceBusMessage m = new ServiceBusMessage("{\"specversion\":\"1.0\",\"id\":\"evt-" + callId
                + "\",\"source\":\"/pbx\"," + "\"type\":\"call.offered\",\"data\":{\"callId\":\"" + callId
                + "\",\"agentId\":\"" + agentId + "\",\"ringSeconds\":30}}");
        m.setMessageId("evt-" + callId);
        m.getApplicationProperties().put("type", "call.offered");
        m.getApplicationProperties().put("callId", callId);
        m.getApplicationProperties().put("agentId", agentId);
        return m;
    }

    private void deadLetter(ServiceBusMessage message, String reason, String description) {
        try (ServiceBusSenderClient sender = clients.sender().queueName(QUEUE).buildClient();
                ServiceBusReceiverClient receiver = clients.receiver()
                        .queueName(QUEUE)
                        .disableAutoComplete()
                        .buildClient()) {
            sender.sendMessage(message);
            List<ServiceBusReceivedMessage> got = new ArrayList<>();
            receiver.receiveMessages(1, Duration.ofSeconds(10)).forEach(got::add);
            assertThat(got).hasSize(1);
            receiver.deadLetter(
                    got.get(0),
                    new DeadLetterOptions().setDeadLetterReason(reason).setDeadLetterErrorDescription(description));
        }
    }

    private ServiceBusReceivedMessage receiveOne() {
        try (ServiceBusReceiverClient receiver = clients.receiver()
                .queueName(QUEUE)
                .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                .buildClient()) {
            for (ServiceBusReceivedMessage m : receiver.receiveMessages(1, Duration.ofSeconds(10))) return m;
            return null;
        }
    }
}
