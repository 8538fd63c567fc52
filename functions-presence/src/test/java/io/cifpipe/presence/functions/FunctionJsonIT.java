package io.cifpipe.presence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.Names;
import io.cifpipe.runtime.functions.GeneratedFunctions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the function.json files the azure-functions-maven-plugin generated (package phase) so a wrong
 * annotation fails the build: only binding types the Java worker runs on Flex Consumption and Elastic Premium,
 * trigger types, routes (incl. the SignalR upstream route), methods and auth levels.
 */
class FunctionJsonIT {
    static Map<String, JsonNode> functions;

    @BeforeAll
    static void load() throws IOException {
        functions = GeneratedFunctions.load(
                Path.of(System.getProperty("functions.dir", "target/azure-functions/cifpipe-presence")));
    }

    static JsonNode trigger(String function) {
        JsonNode bindings = functions.get(function).get("bindings");
        List<JsonNode> triggers = new ArrayList<>();
        bindings.forEach(b -> {
            if (b.get("type").asText().endsWith("Trigger")) triggers.add(b);
        });
        assertThat(triggers).as("exactly one trigger in " + function).hasSize(1);
        assertThat(triggers.get(0).get("direction").asText()).isEqualTo("in");
        return triggers.get(0);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void exactlyTheExpectedFunctions() {
        assertThat(functions.keySet())
                .containsExactlyInAnyOrder(
                        "negotiate", "userclient", "signalrUpstream", "staleConnectionSweep", "outcomeRepublish");
        functions.values().forEach(f -> assertThat(f.get("entryPoint").asText())
                .startsWith("io.cifpipe.presence.functions."));
    }

    @Test
    void negotiateIsAnonymousGetPostOptionsWithHttpOutput() {
        JsonNode t = trigger("negotiate");
        assertThat(t.get("type").asText()).isEqualTo("httpTrigger");
        assertThat(t.get("route").asText()).isEqualTo("negotiate");
        assertThat(t.get("authLevel").asText()).isEqualTo("ANONYMOUS");
        assertThat(strings(t.get("methods"))).containsExactlyInAnyOrder("GET", "POST", "OPTIONS");
        assertHttpReturn("negotiate");
        // the user id must never come from a binding expression over headers/query
        assertThat(functions.get("negotiate").toString())
                .doesNotContain("x-ms-client-principal")
                .doesNotContain("userId");
    }

    @Test
    void userClientIsAnonymousPostOptions() {
        JsonNode t = trigger("userclient");
        assertThat(t.get("type").asText()).isEqualTo("httpTrigger");
        assertThat(t.get("route").asText()).isEqualTo("userclient");
        assertThat(t.get("authLevel").asText()).isEqualTo("ANONYMOUS");
        assertThat(strings(t.get("methods"))).containsExactlyInAnyOrder("POST", "OPTIONS");
        assertHttpReturn("userclient");
    }

    @Test
    void onlyBindingsTheJavaWorkerRunsOnFlexConsumptionAndPremium() {
        assertThat(GeneratedFunctions.unsupportedBindings(functions)).isEmpty();
        assertThat(functions.toString()).doesNotContainIgnoringCase("signalRTrigger");
    }

    @Test
    void signalRUpstreamIsAnAnonymousPostOnTheUpstreamRoute() {
        JsonNode t = trigger("signalrUpstream");
        assertThat(t.get("type").asText()).isEqualTo("httpTrigger");
        assertThat(t.get("route").asText()).isEqualTo(Names.SIGNALR_UPSTREAM_ROUTE);
        // anonymous: no function key in SignalR's upstream URL; the handler authenticates every request itself
        assertThat(t.get("authLevel").asText()).isEqualTo("ANONYMOUS");
        assertThat(strings(t.get("methods"))).containsExactly("POST");
        assertHttpReturn("signalrUpstream");
    }

    @Test
    void sweepIsATimerOnTheSetting() {
        JsonNode t = trigger("staleConnectionSweep");
        assertThat(t.get("type").asText()).isEqualTo("timerTrigger");
        assertThat(t.get("schedule").asText()).isEqualTo("%ConnectionSweepSchedule%");
    }

    @Test
    void republisherIsATimerOnTheSetting() {
        JsonNode t = trigger("outcomeRepublish");
        assertThat(t.get("type").asText()).isEqualTo("timerTrigger");
        assertThat(t.get("name").asText()).isEqualTo("timer");
        assertThat(t.get("schedule").asText()).isEqualTo("%OutcomeRepublishSchedule%");
        assertThat(functions.get("outcomeRepublish").get("entryPoint").asText())
                .isEqualTo("io.cifpipe.presence.functions.OutcomeRepublishFunction.republish");
    }

    static void assertHttpReturn(String function) {
        List<JsonNode> outs = new ArrayList<>();
        functions.get(function).get("bindings").forEach(b -> {
            if ("http".equals(b.get("type").asText())) outs.add(b);
        });
        assertThat(outs).singleElement().satisfies(o -> {
            assertThat(o.get("direction").asText()).isEqualTo("out");
            assertThat(o.get("name").asText()).isEqualTo("$return");
        });
    }
}
