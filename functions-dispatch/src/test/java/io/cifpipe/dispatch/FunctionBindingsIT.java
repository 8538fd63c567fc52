package io.cifpipe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.Setting;
import io.cifpipe.runtime.functions.GeneratedFunctions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads the function.json files azure-functions-maven-plugin generated: a wrong annotation fails the build. */
class FunctionBindingsIT {
    static Map<String, JsonNode> functions;

    @BeforeAll
    static void load() throws IOException {
        functions = GeneratedFunctions.load(
                Path.of(System.getProperty("functionsDir", "target/azure-functions/cifpipe-dispatch")));
    }

    static JsonNode trigger(String function) {
        JsonNode fn = functions.get(function);
        assertThat(fn).as("function %s", function).isNotNull();
        assertThat(fn.get("bindings"))
                .as("only the trigger (plus $return for HTTP)")
                .hasSizeLessThanOrEqualTo(2);
        return fn.get("bindings").get(0);
    }

    @Test
    void onlyBindingsTheJavaWorkerRunsOnFlexConsumptionAndPremium() {
        assertThat(functions).isNotEmpty();
        assertThat(GeneratedFunctions.unsupportedBindings(functions)).isEmpty();
    }

    @Test
    void exactlyTheExpectedFunctions() {
        assertThat(functions).containsOnlyKeys("dispatchCallEvent", "expirySweep", "health");
    }

    @Test
    void callEventsTriggerReadsTheConfiguredQueueAsBinary() {
        JsonNode t = trigger("dispatchCallEvent");
        assertThat(t.get("type").asText()).isEqualTo("serviceBusTrigger");
        assertThat(t.get("direction").asText()).isEqualTo("in");
        assertThat(t.get("queueName").asText()).isEqualTo("%" + Setting.CALL_EVENTS_QUEUE.key() + "%");
        assertThat(t.get("connection").asText()).isEqualTo(Setting.SERVICE_BUS_CONNECTION.key());
        assertThat(t.get("dataType").asText()).isEqualTo("binary");
        assertThat(t.has("isSessionsEnabled")).isFalse();
        assertThat(t.has("cardinality")).as("one message per invocation").isFalse();
        assertThat(functions.get("dispatchCallEvent").get("entryPoint").asText())
                .isEqualTo("io.cifpipe.dispatch.CallEventsFunction.run");
    }

    @Test
    void expirySweepRunsOnTheConfiguredSchedule() {
        JsonNode t = trigger("expirySweep");
        assertThat(t.get("type").asText()).isEqualTo("timerTrigger");
        assertThat(t.get("schedule").asText()).isEqualTo("%" + Setting.EXPIRY_SWEEP_SCHEDULE.key() + "%");
        assertThat(functions.get("expirySweep").has("retry")).isFalse();
    }

    @Test
    void healthIsAnonymousGet() {
        JsonNode t = trigger("health");
        assertThat(t.get("type").asText()).isEqualTo("httpTrigger");
        assertThat(t.get("route").asText()).isEqualTo("health");
        assertThat(t.get("authLevel").asText()).isEqualTo("ANONYMOUS");
        assertThat(t.get("methods")).extracting(JsonNode::asText).containsExactly("GET");
    }
}
