package io.cifpipe.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.microsoft.signalr.HubConnection;
import com.microsoft.signalr.HubConnectionBuilder;
import io.cifpipe.emulator.servicebus.AccessRight;
import io.cifpipe.emulator.servicebus.QueueOptions;
import io.cifpipe.emulator.servicebus.ServiceBusEmulator;
import io.cifpipe.emulator.signalr.SignalREmulator;
import io.cifpipe.harness.Stack;
import io.reactivex.rxjava3.core.Single;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed AMQP frames and SASL/CBS abuse against the Service Bus emulator; malformed WebSocket/hub frames and
 * REST bodies against the SignalR emulator. Bar: the abusive connection is closed (with an error where the protocol
 * has one), the server stays up, and a healthy client connected all along is unaffected.
 */
class EmulatorAbuseTest {
    static final String AMQP = "bad input: AMQP frames + SASL/CBS (Service Bus emulator)";
    static final String HUB = "bad input: WebSocket/hub frames + REST bodies (SignalR emulator)";
    static final String SB_KEY = "reliability-sas-" + new Random().nextLong();
    static final String SR_KEY = "reliability-access-key-0123456789-" + new Random().nextLong();

    static ServiceBusEmulator sb;
    static ServiceBusSenderClient sender;
    static ServiceBusReceiverClient healthyReceiver;
    static SignalREmulator sr;
    static HubConnection healthyHub;
    static final BlockingQueue<String> healthyInbox = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        sb = ServiceBusEmulator.builder()
                .host("127.0.0.1")
                .port(0)
                .adminPort(0)
                .queue(QueueOptions.of("abuse"))
                .sharedAccessKey("RootManageSharedAccessKey", SB_KEY, AccessRight.MANAGE)
                .build();
        sb.start();
        sender = new ServiceBusClientBuilder()
                .connectionString(sb.connectionString())
                .sender()
                .queueName("abuse")
                .buildClient();
        healthyReceiver = new ServiceBusClientBuilder()
                .connectionString(sb.connectionString())
                .receiver()
                .queueName("abuse")
                .receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE)
                .buildClient();
        roundTrip("warm-up");

        sr = SignalREmulator.builder()
                .host("127.0.0.1")
                .port(0)
                .accessKey(SR_KEY)
                .maxMessageSize(32 * 1024)
                .build();
        sr.start();
        String token = sr.accessTokens().mintClientToken(sr.endpoint(), Stack.HUB, "healthy", Duration.ofMinutes(10));
        healthyHub = HubConnectionBuilder.create(sr.clientUrl(Stack.HUB))
                .withAccessTokenProvider(Single.just(token))
                .build();
        healthyHub.on("notify", healthyInbox::add, String.class);
        healthyHub.start().blockingAwait(20, TimeUnit.SECONDS);
        assertHubClientUnaffected("warm-up");
    }

    @AfterAll
    static void stop() {
        if (healthyHub != null) healthyHub.stop().blockingAwait(5, TimeUnit.SECONDS);
        if (sender != null) sender.close();
        if (healthyReceiver != null) healthyReceiver.close();
        if (sb != null) sb.close();
        if (sr != null) sr.close();
    }

    /** The healthy sender/receiver pair, open since before the abuse, still moves a message end to end. */
    static void roundTrip(String body) {
        sender.sendMessage(new ServiceBusMessage(body));
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!got.contains(body) && System.nanoTime() < deadline) {
            for (ServiceBusReceivedMessage m : healthyReceiver.receiveMessages(10, Duration.ofSeconds(2)))
                got.add(m.getBody().toString());
        }
        assertThat(got).contains(body);
    }

    // ------------------------------------------------------------------ AMQP

    static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
    static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] frame(int size, int doff, int type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length);
        b.putInt(size).put((byte) doff).put((byte) type).putShort((short) 0).put(body);
        return b.array();
    }

    /** Sends {@code bytes} and returns what the server answered before it closed the connection (EOF within 15 s). */
    static byte[] sendAndExpectClose(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            return in.readAllBytes(); // SocketTimeoutException (test failure) if the server keeps it open
        }
    }

    void amqpCase(byte[] abuse) throws IOException {
        Results.tried(AMQP);
        sendAndExpectClose(sb.port(), abuse);
        roundTrip("after-" + Integer.toHexString(java.util.Arrays.hashCode(abuse)));
        Results.passed(AMQP);
    }

    @Test
    void malformedAmqpFramesCloseOnlyThatConnection() throws IOException {
        Random random = new Random(42);
        byte[] junk = new byte[512];
        random.nextBytes(junk);
        amqpCase(junk); // not AMQP at all
        amqpCase("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // wrong protocol
        amqpCase(new byte[] {'A', 'M', 'Q', 'P', 9, 9, 9, 9}); // unknown protocol id/version
        amqpCase(concat(AMQP_HEADER, frame(4, 2, 0, new byte[0]))); // frame size below the 8-byte minimum
        amqpCase(concat(AMQP_HEADER, frame(8, 1, 0, new byte[0]))); // data offset below 2
        amqpCase(concat(AMQP_HEADER, frame(0x7fffffff, 2, 0, new byte[64]))); // absurd declared size
        byte[] body = new byte[64];
        random.nextBytes(body);
        amqpCase(concat(AMQP_HEADER, frame(8 + body.length, 2, 0, body))); // garbage performative
        amqpCase(concat(AMQP_HEADER, frame(8 + body.length, 2, 7, body))); // unknown frame type
        amqpCase(concat(
                AMQP_HEADER, frame(12, 2, 0, new byte[] {0x00, 0x53, 0x10, 0x45}))); // open with a truncated list
    }

    @Test
    void saslAbuseClosesThatConnection() throws IOException {
        byte[] body = new byte[48];
        new Random(7).nextBytes(body);
        amqpCase(concat(SASL_HEADER, frame(8 + body.length, 2, 1, body))); // garbage SASL frame
        amqpCase(concat(SASL_HEADER, frame(8 + body.length, 2, 0, body))); // AMQP frame type during SASL
        amqpCase(concat(SASL_HEADER, frame(0xffffffff, 2, 1, new byte[16]))); // negative/huge size
        // sasl-init naming a mechanism the server did not offer
        byte[] init = {0x00, 0x53, 0x41, (byte) 0xc0, 0x0a, 0x01, (byte) 0xa3, 0x07, 'B', 'O', 'G', 'U', 'S', '-', 'X'};
        amqpCase(concat(SASL_HEADER, frame(8 + init.length, 2, 1, init)));
    }

    @Test
    void cbsRefusesBadCredentialsAndKeepsServing() {
        String endpoint = "sb://127.0.0.1:" + sb.port() + "/";
        String base = sb.connectionString();
        List<String> bad = List.of(
                base.replace(SB_KEY, "wrong-key-value"),
                base.replace("RootManageSharedAccessKey", "NoSuchPolicy"),
                sasConnectionString(base, endpoint, SB_KEY, -3600), // expired SAS
                sasConnectionString(base, endpoint, "forged-" + SB_KEY, 3600)); // signed with another key
        for (String cs : bad) {
            Results.tried(AMQP);
            ServiceBusSenderClient intruder = new ServiceBusClientBuilder()
                    .connectionString(cs)
                    .retryOptions(new com.azure.core.amqp.AmqpRetryOptions()
                            .setMaxRetries(0)
                            .setTryTimeout(Duration.ofSeconds(15)))
                    .sender()
                    .queueName("abuse")
                    .buildClient();
            try {
                assertThatThrownBy(() -> intruder.sendMessage(new ServiceBusMessage("intruder")))
                        .hasStackTraceContaining("status-code: 401");
            } finally {
                intruder.close();
            }
            roundTrip("after-cbs-" + bad.indexOf(cs));
            Results.passed(AMQP);
        }
        assertThat(sb.queueStats("abuse").total())
                .as("nothing from the intruders was enqueued")
                .isZero();
    }

    /** A connection string carrying a ready-made SAS token (SharedAccessSignature=...), expiring at now+ttl. */
    static String sasConnectionString(String base, String endpoint, String key, long ttlSeconds) {
        try {
            String resource = URLEncoder.encode(endpoint + "abuse", StandardCharsets.UTF_8);
            long expiry = System.currentTimeMillis() / 1000 + ttlSeconds;
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = Base64.getEncoder()
                    .encodeToString(mac.doFinal((resource + "\n" + expiry).getBytes(StandardCharsets.UTF_8)));
            String token =
                    "SharedAccessSignature sr=" + resource + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8)
                            + "&se=" + expiry + "&skn=RootManageSharedAccessKey";
            String endpointPart = base.substring(0, base.indexOf(';') + 1);
            return endpointPart + "SharedAccessSignature=" + token + ";EntityPath=abuse;UseDevelopmentEmulator=true";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ SignalR hub protocol

    static final char RS = '\u001e';

    /** A raw WebSocket to the client endpoint that records text frames and when/how it closed. */
    static final class RawClient implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static RawClient connect(String user) {
            RawClient c = new RawClient();
            String token = sr.accessTokens().mintClientToken(sr.endpoint(), Stack.HUB, user, Duration.ofMinutes(5));
            HttpResponse<String> negotiated = Http.post(
                    sr.endpoint() + "/client/negotiate?hub=" + Stack.HUB + "&negotiateVersion=1",
                    new byte[0],
                    "Authorization",
                    "Bearer " + token);
            assertThat(negotiated.statusCode()).as(negotiated.body()).isEqualTo(200);
            String id;
            try {
                id = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(negotiated.body())
                        .path("connectionToken")
                        .asText();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            URI uri = URI.create(
                    sr.clientUrl(Stack.HUB).replace("http://", "ws://") + "&id=" + id + "&access_token=" + token);
            c.ws = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(uri, c)
                    .orTimeout(15, TimeUnit.SECONDS)
                    .join();
            return c;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }

        void handshake() throws InterruptedException {
            ws.sendText("{\"protocol\":\"json\",\"version\":1}" + RS, true).join();
            String reply = texts.poll(10, TimeUnit.SECONDS);
            assertThat(reply).isEqualTo("{}" + RS);
        }

        /** All text the server sent until it closed (within 15 s). */
        String awaitClosed() throws Exception {
            closed.get(15, TimeUnit.SECONDS);
            return String.join("", texts);
        }
    }

    static void assertHubClientUnaffected(String marker) {
        String serverToken = sr.accessTokens()
                .mintServerToken(sr.endpoint() + "/api/v1/hubs/" + Stack.HUB + "/users/healthy", Duration.ofMinutes(5));
        HttpResponse<String> r = Http.post(
                sr.endpoint() + "/api/v1/hubs/" + Stack.HUB + "/users/healthy",
                Events.bytes("{\"target\":\"notify\",\"arguments\":[\"" + marker + "\"]}"),
                "Authorization",
                "Bearer " + serverToken,
                "Content-Type",
                "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        try {
            String got;
            do {
                got = healthyInbox.poll(10, TimeUnit.SECONDS);
            } while (got != null && !got.equals(marker));
            assertThat(got).as("healthy client received " + marker).isEqualTo(marker);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void hubCase(
            String name,
            boolean handshakeFirst,
            java.util.function.Consumer<WebSocket> abuse,
            boolean expectCloseMessage)
            throws Exception {
        Results.tried(HUB);
        RawClient c = RawClient.connect("abuser");
        if (handshakeFirst) c.handshake();
        abuse.accept(c.ws);
        String said = c.awaitClosed();
        if (expectCloseMessage) {
            assertThat(said).as(name).contains("\"type\":7").contains("\"error\"");
        }
        assertHubClientUnaffected("after-" + name);
        Results.passed(HUB);
    }

    @Test
    void malformedHandshakesAreRefused() throws Exception {
        hubCase(
                "unknown-protocol",
                false,
                ws -> ws.sendText("{\"protocol\":\"messagepack-x\",\"version\":1}" + RS, true),
                false);
        hubCase("handshake-not-json", false, ws -> ws.sendText("hello" + RS, true), false);
        hubCase(
                "handshake-version-99",
                false,
                ws -> ws.sendText("{\"protocol\":\"json\",\"version\":99}" + RS, true),
                false);
        hubCase(
                "binary-handshake",
                false,
                ws -> ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 0x1e}), true),
                false);
    }

    @Test
    void malformedHubMessagesCloseWithAnError() throws Exception {
        hubCase("not-json", true, ws -> ws.sendText("{{{not json" + RS, true), true);
        hubCase("no-type", true, ws -> ws.sendText("{\"target\":\"decide\"}" + RS, true), true);
        hubCase("type-99", true, ws -> ws.sendText("{\"type\":99}" + RS, true), true);
        hubCase(
                "invocation-target-number",
                true,
                ws -> ws.sendText("{\"type\":1,\"target\":5,\"arguments\":[]}" + RS, true),
                true);
        hubCase(
                "arguments-not-array",
                true,
                ws -> ws.sendText(
                        "{\"type\":1,\"invocationId\":\"1\",\"target\":\"decide\",\"arguments\":\"x\"}" + RS, true),
                true);
        hubCase(
                "oversize-message",
                true,
                ws -> ws.sendText(
                        "{\"type\":1,\"target\":\"decide\",\"arguments\":[\"" + "x".repeat(64 * 1024) + "\"]}" + RS,
                        true),
                false);
    }

    @Test
    void restBodiesAreRefusedPrecisely() {
        String url = sr.endpoint() + "/api/v1/hubs/" + Stack.HUB + "/users/healthy";
        String token = sr.accessTokens().mintServerToken(url, Duration.ofMinutes(5));
        String[] bodies = {
            "not json",
            "",
            "[]",
            "{\"target\":5}",
            "{\"arguments\":[]}",
            "{\"target\":\"notify\",\"arguments\":\"x\"}",
            "\u0000\u0001"
        };
        for (String body : bodies) {
            Results.tried(HUB);
            HttpResponse<String> r = Http.post(
                    url, Events.bytes(body), "Authorization", "Bearer " + token, "Content-Type", "application/json");
            assertThat(r.statusCode())
                    .as("body %s -> %s", body.length() > 40 ? body.substring(0, 40) : body, r.body())
                    .isBetween(400, 499);
            Results.passed(HUB);
        }
        Results.tried(HUB);
        byte[] huge = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'a');
        HttpResponse<String> r =
                Http.post(url, huge, "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(413);
        assertHubClientUnaffected("after-rest");
        Results.passed(HUB);
    }
}
