package io.cifpipe.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
                Path.of(System.getProperty("functionsDir", "target/azure-functions/cifpipe-ingress")));
    }

    static JsonNode trigger(String function) {
        JsonNode fn = functions.get(function);
        assertThat(fn).as("function %s", function).isNotNull();
        return fn.get("bindings").get(0);
    }

    @Test
    void onlyBindingsTheJavaWorkerRunsOnFlexConsumptionAndPremium() {
        assertThat(functions).isNotEmpty();
        assertThat(GeneratedFunctions.unsupportedBindings(functions)).isEmpty();
    }

    @Test
    void exactlyTheExpectedFunctions() {
        assertThat(functions).containsOnlyKeys("postCalls", "getCall", "health");
    }

    @Test
    void postCallsIsAFunctionKeyPostOnCallsWithBinaryBody() {
        JsonNode t = trigger("postCalls");
        assertThat(t.get("type").asText()).isEqualTo("httpTrigger");
        assertThat(t.get("route").asText()).isEqualTo("calls");
        assertThat(t.get("authLevel").asText()).isEqualTo("FUNCTION");
        assertThat(t.get("methods")).extracting(JsonNode::asText).containsExactly("POST");
        assertThat(t.get("dataType").asText()).isEqualTo("binary");
        assertThat(functions.get("postCalls").get("entryPoint").asText())
                .isEqualTo("io.cifpipe.ingress.CallsFunction.post");
    }

    @Test
    void getCallIsAFunctionKeyGetWithTheCallIdRouteParameter() {
        JsonNode t = trigger("getCall");
        assertThat(t.get("route").asText()).isEqualTo("calls/{callId}");
        assertThat(t.get("authLevel").asText()).isEqualTo("FUNCTION");
        assertThat(t.get("methods")).extracting(JsonNode::asText).containsExactly("GET");
    }

    @Test
    void healthIsAnonymous() {
        JsonNode t = trigger("health");
        assertThat(t.get("route").asText()).isEqualTo("health");
        assertThat(t.get("authLevel").asText()).isEqualTo("ANONYMOUS");
    }
}
