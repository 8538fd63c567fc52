package io.cifpipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.signalr.HubConnection;
import com.microsoft.signalr.HubConnectionBuilder;
import io.cifpipe.devstack.parts.Readiness;
import io.cifpipe.model.Names;
import io.reactivex.rxjava3.core.Single;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stack in-process on ephemeral ports (Functions apps in their child JVMs, as with ./dev up):
 * readiness, then one function of each trigger kind — HTTP (ingress), SignalR upstream (presence connected,
 * decide), Service Bus (dispatch delivering the notification), timer (run through the host admin API) — and
 * the pages' state API.
 */
@Tag("slow") // the whole stack with three app JVMs (minutes on 2 cores): left out of ./dev test --fast
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackTest {
    @TempDir
    static Path tmp;

    static LocalStack stack;
    static StackConfig config;
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = DemoIdentities.agent("alice").oid();
    static HubConnection alice;
    static final List<JsonNode> aliceNotifications = new CopyOnWriteArrayList<>();
    static String callId;
    static final String TELEPHONY_TRACE_ID = UUID.randomUUID().toString().replace("-", "");
    static final String TELEPHONY_SPAN_ID = "b7ad6b7169203331";
    static final String TELEPHONY_TRACEPARENT = "00-" + TELEPHONY_TRACE_ID + "-" + TELEPHONY_SPAN_ID + "-01";

    @BeforeAll
    static void start() {
        config = TestStacks.config(tmp.resolve("state"));
        for (String m : List.of(
                "functions-ingress/target/azure-functions/cifpipe-ingress",
                "functions-dispatch/target/azure-functions/cifpipe-dispatch",
                "functions-presence/target/azure-functions/cifpipe-presence")) {
            assumeTrue(
                    Files.isDirectory(config.root().resolve(m)),
                    m + " not built (the reactor builds the apps before devstack)");
        }
        assumeTrue(
                TestStacks.azuriteInstalled(), "Azurite not installed: ./dev test runs npm ci in local/azurite first");
        stack = LocalStack.start(config, Progress.console(System.out, false));
    }

    @AfterAll
    static void stop() {
        if (alice != null) {
            alice.stop().blockingAwait(10, TimeUnit.SECONDS);
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void everyPartAnswers() throws Exception {
        assertThat(Readiness.await(Duration.ofSeconds(60), stack::ready))
                .as(stack.health().encode())
                .isTrue();
        JsonNode health = JSON.readTree(get(config.webOrigin() + "/api/health").body());
        assertThat(health.get("ready").asBoolean()).isTrue();
        assertThat(health.get("parts").size()).isEqualTo(6);
        assertThat(stack.summary())
                .contains(
                        "/agent.html",
                        "/telephony.html",
                        "/ops.html",
                        "alice",
                        "bob",
                        "cifpipe-telephony",
                        config.entraIssuer());
        assertThat(config.stateDir().resolve("local.settings.presence.json")).exists();
    }

    @Test
    @Order(2)
    void httpTriggerIngressChecksTheFunctionKey() throws Exception {
        assertThat(get(config.functionsBaseUrl(config.ports().ingress()) + "/api/health")
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> noKey = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                config.functionsBaseUrl(config.ports().ingress()) + "/api/calls"))
                        .header("content-type", "application/cloudevents+json")
                        .POST(HttpRequest.BodyPublishers.ofString(offer("c-nokey", 30)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        // The telephony page's proxy adds the key server-side; bad input comes back as problem+json.
        HttpResponse<String> bad = postJson(
                config.webOrigin() + "/api/telephony/calls",
                "{\"specversion\":\"1.0\"}",
                "application/cloudevents+json");
        assertThat(bad.statusCode()).isBetween(400, 422);
        assertThat(bad.headers().firstValue("content-type").orElse("")).contains("problem+json");
    }

    @Test
    @Order(3)
    void signalRTriggerPresenceRegistersTheAgentsConnection() throws Exception {
        // The token ./dev token prints (the provider's HTTP endpoints, as an integrator's script gets it).
        String token = new TokenClient(config.entraIssuer(), config.webOrigin() + "/agent.html")
                .agentToken("alice")
                .get("access_token")
                .asText();
        HttpResponse<String> negotiate = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                config.functionsBaseUrl(config.ports().presence()) + "/api/negotiate"))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(negotiate.statusCode()).as(negotiate.body()).isEqualTo(200);
        JsonNode info = JSON.readTree(negotiate.body());
        String accessToken = info.get("accessToken").asText();
        alice = HubConnectionBuilder.create(info.get("url").asText())
                .withAccessTokenProvider(Single.defer(() -> Single.just(accessToken)))
                .build();
        alice.on(Names.TARGET_NOTIFY, (Object n) -> aliceNotifications.add(JSON.valueToTree(n)), Object.class);
        alice.start().blockingAwait(30, TimeUnit.SECONDS);

        boolean registered = Readiness.await(Duration.ofSeconds(30), () -> {
            try {
                return JSON.readTree(get(config.webOrigin() + "/api/state/connections")
                                .body())
                        .has(ALICE);
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(registered)
                .as("Connections row for alice written by presence 'connected'")
                .isTrue();
    }

    @Test
    @Order(4)
    void serviceBusTriggerDispatchDeliversTheOfferToTheAgent() throws Exception {
        callId = "c-" + UUID.randomUUID().toString().substring(0, 8);
        // As a telephony system in a trace of its own would: W3C traceparent header on the POST (docs/telemetry.md).
        HttpResponse<String> accepted = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                config.functionsBaseUrl(config.ports().ingress()) + "/api/calls"))
                        .header("content-type", "application/cloudevents+json")
                        .header(Names.FUNCTION_KEY_HEADER, config.keys().ingressFunctionKey())
                        .header("traceparent", TELEPHONY_TRACEPARENT)
                        .POST(HttpRequest.BodyPublishers.ofString(offer(callId, 60)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        boolean delivered = Readiness.await(Duration.ofSeconds(45), () -> aliceNotifications.stream()
                .anyMatch(n -> callId.equals(n.path("callId").asText())));
        assertThat(delivered)
                .as("notify for %s reached alice's connection", callId)
                .isTrue();
        JsonNode ledger = JSON.readTree(
                get(config.webOrigin() + "/api/state/ledger?limit=50").body());
        assertThat(ledger.findValuesAsText("PartitionKey")).contains(callId);
        // The call's guard row (~call) is the ledger's bookkeeping, not a notification: the dashboard must not list it.
        assertThat(ledger.findValuesAsText("RowKey")).noneMatch(rowKey -> rowKey.startsWith("~"));
    }

    @Test
    @Order(5)
    void signalRTriggerDecideRecordsTheAcceptAndPublishesTheOutcome() throws Exception {
        JsonNode n = aliceNotifications.stream()
                .filter(x -> callId.equals(x.path("callId").asText()))
                .findFirst()
                .orElseThrow();
        // The popup hands the notify payload's traceparent back with its decision (client/src/glue/trace-context.js).
        assertThat(n.path("traceparent").asText()).startsWith("00-" + TELEPHONY_TRACE_ID + "-");
        Object result = alice.invoke(
                        Object.class,
                        Names.METHOD_DECIDE,
                        Map.of(
                                "notificationId",
                                n.get("notificationId").asText(),
                                "decision",
                                "accept",
                                "traceparent",
                                n.get("traceparent").asText()))
                .blockingGet();
        assertThat(JSON.valueToTree(result).path("status").asText()).isEqualTo("recorded");
        boolean outcome = Readiness.await(Duration.ofSeconds(30), () -> stack.web().outcomes().recent().stream()
                .anyMatch(o -> callId.equals(o.get("callId")) && "Accepted".equals(o.get("outcome"))));
        assertThat(outcome)
                .as("Accepted outcome on call-outcomes, read by the telephony page's subscriber")
                .isTrue();
        // The ops dashboard is a second, independent consumer (subscription operations): it gets its own copy of the
        // terminal outcome, and the telephony feed kept its Delivered, which operations' filter leaves out.
        boolean seenByOperations =
                Readiness.await(Duration.ofSeconds(30), () -> stack.web().operationsOutcomes().recent().stream()
                        .anyMatch(o -> callId.equals(o.get("callId")) && "Accepted".equals(o.get("outcome"))));
        assertThat(seenByOperations)
                .as("Accepted outcome also on subscription operations")
                .isTrue();
        assertThat(stack.web().outcomes().recent())
                .anyMatch(o -> callId.equals(o.get("callId")) && "Delivered".equals(o.get("outcome")));
        assertThat(stack.web().operationsOutcomes().recent()).noneMatch(o -> "Delivered".equals(o.get("outcome")));
    }

    @Test
    @Order(6)
    void timerTriggerRunsThroughTheHostAdminApi() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(config.functionsBaseUrl(
                                        config.ports().presence()) + "/admin/functions/staleConnectionSweep"))
                        .header(Names.FUNCTION_KEY_HEADER, config.keys().masterKey())
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    @Test
    @Order(7)
    void pagesAndStateApiAnswer() throws Exception {
        for (String page : List.of(
                "/agent.html",
                "/telephony.html",
                "/ops.html",
                "/cif-host.js",
                "/WebResources/cifpipe_/panel.html",
                "/WebResources/cifpipe_/panel.js",
                "/WebResources/cifpipe_/redirect.html",
                "/WebResources/Widget/msdyn_ciLibrary.js")) {
            assertThat(get(config.webOrigin() + page).statusCode()).as(page).isEqualTo(200);
        }
        JsonNode pageConfig =
                JSON.readTree(get(config.webOrigin() + "/api/config").body());
        for (String key : CifHostConfig.KEYS) {
            assertThat(pageConfig.get(key).isArray()).as(key).isTrue();
        }
        assertThat(pageConfig.get("redirectUri").asText()).endsWith("/WebResources/cifpipe_/redirect.html");
        assertThat(pageConfig.get("authority").asText()).isEqualTo(config.entraIssuer());
        assertThat(pageConfig.toString()).doesNotContain(config.keys().ingressFunctionKey());
        // The Dataverse solution's variables under their schema names, and its panel page out of the built zip.
        assertThat(pageConfig
                        .at("/environmentVariables/cifpipe_PresenceBaseUrl")
                        .asText())
                .isEqualTo(pageConfig.get("functionUrl").asText());
        HttpResponse<String> panel = get(config.webOrigin() + "/WebResources/cifpipe_/panel.html");
        assertThat(panel.statusCode()).as(panel.body()).isEqualTo(200);
        assertThat(panel.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(get(config.webOrigin() + "/WebResources/cifpipe_/settings.js")
                        .statusCode())
                .isEqualTo(200);
        JsonNode queues =
                JSON.readTree(get(config.webOrigin() + "/api/state/queues").body());
        assertThat(queues.findValuesAsText("name"))
                .contains(
                        "call-events",
                        "call-outcomes/subscriptions/telephony",
                        "call-outcomes/subscriptions/operations");
        JsonNode terminal =
                JSON.readTree(get(config.webOrigin() + "/api/ops/outcomes").body());
        assertThat(terminal.isArray()).isTrue();
        JsonNode subscriptionDlq =
                JSON.readTree(get(config.webOrigin() + "/api/state/dlq?queue=call-outcomes/subscriptions/telephony")
                        .body());
        assertThat(subscriptionDlq.get("messages").isArray()).isTrue();
        HttpResponse<String> subscriptionReplay = postJson(
                config.webOrigin() + "/api/state/dlq/replay",
                "{\"queue\":\"call-outcomes/subscriptions/telephony\"}",
                "application/json");
        assertThat(subscriptionReplay.statusCode()).isEqualTo(409);
        JsonNode dlq = JSON.readTree(
                get(config.webOrigin() + "/api/state/dlq?queue=call-events").body());
        assertThat(dlq.get("messages").isArray()).isTrue();
        HttpResponse<String> badReplay = postJson(
                config.webOrigin() + "/api/state/dlq/replay", "{\"queue\":\"no such/queue\"}", "application/json");
        assertThat(badReplay.statusCode()).isEqualTo(422);
        assertThat(badReplay.headers().firstValue("content-type").orElse("")).isEqualTo("application/problem+json");
        assertThat(get(config.webOrigin() + "/api/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(8)
    void deadLettersAreListedThroughTheOpsLibraryWithTheirRealCause() throws Exception {
        String poisonCall = "c-poison-" + UUID.randomUUID().toString().substring(0, 6);
        String missingAgent = "{\"specversion\":\"1.0\",\"id\":\"" + poisonCall
                + "\",\"source\":\"/tests\",\"type\":\"call.offered\"," + "\"data\":{\"callId\":\"" + poisonCall
                + "\"}}";
        try (var sender = new com.azure.messaging.servicebus.ServiceBusClientBuilder()
                .connectionString(stack.serviceBusConnectionString())
                .sender()
                .queueName("call-events")
                .buildClient()) {
            var poison = new com.azure.messaging.servicebus.ServiceBusMessage(missingAgent);
            poison.getApplicationProperties().put(Names.PROP_CALL_ID, poisonCall);
            sender.sendMessage(poison);
        }
        boolean listed = Readiness.await(Duration.ofSeconds(90), () -> {
            try {
                return get(config.webOrigin() + "/api/state/dlq?queue=call-events")
                        .body()
                        .contains(poisonCall);
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(listed)
                .as("poison message dead-lettered by dispatch and listed")
                .isTrue();
        JsonNode entry = null;
        for (JsonNode m : JSON.readTree(get(config.webOrigin() + "/api/state/dlq?queue=call-events")
                        .body())
                .get("messages")) {
            if (poisonCall.equals(m.path("callId").asText())) entry = m;
        }
        assertThat(entry).isNotNull();
        // Dispatch's validation error travels with the message: the field is named, not "MaxDeliveryCountExceeded".
        assertThat(entry.get("cause").asText()).contains("/data/agentId");
        assertThat(entry.get("causeReason").asText()).isEqualTo("InvalidCallEvent");
        assertThat(entry.get("wouldFail").asText()).contains("/data/agentId");
        // Replay refuses it: the dry run (the page's confirmation) says nothing would be replayed, and why.
        HttpResponse<String> dry = postJson(
                config.webOrigin() + "/api/state/dlq/replay",
                "{\"queue\":\"call-events\",\"callId\":\"" + poisonCall + "\",\"dryRun\":true}",
                "application/json");
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        JsonNode preview = JSON.readTree(dry.body());
        assertThat(preview.get("replayed").asInt()).isZero();
        assertThat(preview.get("skipped").toString()).contains("would fail again");
        HttpResponse<String> job = postJson(
                config.webOrigin() + "/api/state/dlq/replay",
                "{\"queue\":\"call-events\",\"callId\":\"" + poisonCall + "\"}",
                "application/json");
        assertThat(job.statusCode()).isEqualTo(202);
        String location = job.headers().firstValue("location").orElseThrow();
        boolean finished = Readiness.await(Duration.ofSeconds(60), () -> {
            try {
                return JSON.readTree(get(config.webOrigin() + location).body())
                        .get("state")
                        .asText()
                        .equals("finished");
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(finished).isTrue();
        JsonNode result =
                JSON.readTree(get(config.webOrigin() + location).body()).get("result");
        assertThat(result.get("replayed").asInt()).isZero();
        assertThat(get(config.webOrigin() + "/api/state/dlq?queue=call-events").body())
                .contains(poisonCall); // still there
    }

    @Test
    @Order(10)
    void supervisorViewAndStatusDocumentAnswer() throws Exception {
        JsonNode sup =
                JSON.readTree(get(config.webOrigin() + "/api/state/supervisor").body());
        assertThat(sup.get("agents").findValuesAsText("agentId")).contains(ALICE);
        assertThat(sup.get("today").get("offered").asInt()).isPositive(); // the calls of the earlier tests
        assertThat(sup.get("perMinute")).hasSize(15);
        JsonNode doc = JSON.valueToTree(stack.document());
        assertThat(doc.at("/functions/ingress/functionKey").asText())
                .isEqualTo(config.keys().ingressFunctionKey());
        assertThat(doc.at("/serviceBus/connectionString").asText()).isEqualTo(stack.serviceBusConnectionString());
        assertThat(doc.at("/entra/issuer").asText()).isEqualTo(config.entraIssuer());
        assertThat(doc.at("/identities/telephony/roles/0").asText()).isEqualTo("Calls.Send");
    }

    @Test
    @Order(9)
    void signalRRestartHookTakesTheEmulatorDownAndBringsItBack() throws Exception {
        HttpResponse<String> r =
                postJson(config.webOrigin() + "/api/dev/signalr/restart", "{\"downSeconds\": 1}", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(Readiness.tcpOpen(config.ports().signalR()))
                .as("down right after the call")
                .isFalse();
        assertThat(Readiness.await(
                        Duration.ofSeconds(30),
                        () -> Readiness.httpStatus(
                                        "http://localhost:" + config.ports().signalR() + "/_emulator/status")
                                == 200))
                .isTrue();
        assertThat(postJson(
                                config.webOrigin() + "/api/dev/signalr/restart",
                                "{\"downSeconds\": 999}",
                                "application/json")
                        .statusCode())
                .isEqualTo(422);
    }

    /**
     * The call of steps 4–5 as telemetry (docs/telemetry.md): one trace from the telephony POST to the decision, with
     * the documented spans in parent order, and the counters and stage histograms on GET /api/state/metrics.
     */
    @Test
    @Order(11)
    void theCallIsOneTraceWithTheDocumentedSpansAndCountersOnTheMetricsEndpoint() throws Exception {
        Map<String, JsonNode> spans = new java.util.LinkedHashMap<>();
        boolean complete = Readiness.await(Duration.ofSeconds(30), () -> {
            spans.clear();
            try (var files = Files.newDirectoryStream(config.telemetryDir(), "spans-*.jsonl")) {
                for (Path f : files) {
                    for (String line : Files.readAllLines(f)) {
                        JsonNode span = JSON.readTree(line);
                        if (span.path("traceId").asText().equals(TELEPHONY_TRACE_ID))
                            spans.put(span.get("name").asText(), span);
                    }
                }
            } catch (Exception e) {
                return false;
            }
            return spans.keySet()
                    .containsAll(List.of(
                            "cifpipe.ingress.accept",
                            "cifpipe.dispatch.process",
                            "cifpipe.dispatch.notify",
                            "cifpipe.presence.decide"));
        });
        assertThat(complete)
                .as("spans of trace %s: %s", TELEPHONY_TRACE_ID, spans.keySet())
                .isTrue();
        JsonNode ingress = spans.get("cifpipe.ingress.accept");
        assertThat(ingress.get("parentSpanId").asText()).isEqualTo(TELEPHONY_SPAN_ID);
        assertThat(ingress.get("kind").asText()).isEqualTo("PRODUCER");
        assertThat(ingress.at("/attributes/cifpipe.call.id").asText()).isEqualTo(callId);
        assertThat(ingress.get("service").asText()).isEqualTo("cifpipe-ingress");
        JsonNode process = spans.get("cifpipe.dispatch.process");
        assertThat(process.get("parentSpanId").asText())
                .isEqualTo(ingress.get("spanId").asText());
        assertThat(process.get("service").asText()).isEqualTo("cifpipe-dispatch");
        assertThat(spans.get("cifpipe.dispatch.notify").get("parentSpanId").asText())
                .isEqualTo(process.get("spanId").asText());
        JsonNode decide = spans.get("cifpipe.presence.decide");
        assertThat(decide.get("parentSpanId").asText())
                .isEqualTo(ingress.get("spanId").asText());
        assertThat(decide.at("/attributes/cifpipe.status").asText()).isEqualTo("recorded");
        assertThat(decide.get("service").asText()).isEqualTo("cifpipe-presence");

        JsonNode[] summary = new JsonNode[1];
        boolean counted = Readiness.await(Duration.ofSeconds(30), () -> {
            try {
                summary[0] = JSON.readTree(
                                get(config.webOrigin() + "/api/state/metrics").body())
                        .get("summary");
                return summary[0].path("outcomes").path("Accepted").asLong() >= 1
                        && summary[0]
                                        .path("stages")
                                        .path("decided")
                                        .path("count")
                                        .asLong()
                                >= 1;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(counted).as("metrics summary %s", summary[0]).isTrue();
        assertThat(summary[0].get("ingressEvents").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(summary[0].path("outcomes").path("Delivered").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(summary[0].path("stages").path("dispatched").path("count").asLong())
                .isGreaterThanOrEqualTo(1);
        assertThat(summary[0].path("stages").path("delivered").path("count").asLong())
                .isGreaterThanOrEqualTo(1);
        assertThat(summary[0].has("connections"))
                .isTrue(); // its value depends on step 9 (SignalR restart) reconnecting
    }

    private static String offer(String callId, int ringSeconds) throws Exception {
        return JSON.writeValueAsString(Map.of(
                "specversion",
                "1.0",
                "id",
                UUID.randomUUID().toString(),
                "source",
                "/tests/devstack",
                "type",
                "call.offered",
                "time",
                Instant.now().toString(),
                "datacontenttype",
                "application/json",
                "data",
                Map.of(
                        "callId",
                        callId,
                        "agentId",
                        ALICE,
                        "callerNumber",
                        "+441234567890",
                        "callerName",
                        "Test Caller",
                        "calledNumber",
                        "+441111111111",
                        "queue",
                        "Support",
                        "ringSeconds",
                        ringSeconds)));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postJson(String url, String body, String contentType) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20))
                        .header("content-type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
