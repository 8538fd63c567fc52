package io.cifpipe.host.testapp;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** HTTP functions of the host's test app (function.json fixtures under src/test/resources/testapp). */
public final class HttpFunctions {

    /** A POJO return value: must come back as JSON. */
    public static final class Item {
        public int id;
        public String label;

        Item(int id, String label) {
            this.id = id;
            this.label = label;
        }
    }

    @FunctionName("hello")
    public HttpResponseMessage hello(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            route = "hello/{name}")
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("name") String name,
            ExecutionContext context) {
        context.getLogger().info("hello " + name);
        return request.createResponseBuilder(HttpStatus.OK)
                .header("X-Invocation", context.getInvocationId())
                .header("Content-Type", "text/plain")
                .body("hello " + name)
                .build();
    }

    @FunctionName("item")
    public HttpResponseMessage item(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.FUNCTION,
                            route = "items/{id:int}")
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") int id) {
        return request.createResponseBuilder(HttpStatus.OK)
                .body(new Item(id, "item-" + id))
                .build();
    }

    @FunctionName("echo")
    public Map<String, Object> echo(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST, HttpMethod.PUT},
                            authLevel = AuthorizationLevel.ANONYMOUS)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", request.getHttpMethod().name());
        out.put("body", request.getBody().orElse("<empty>"));
        out.put("headers", request.getHeaders());
        out.put("query", request.getQueryParameters());
        out.put("uri", request.getUri().toString());
        out.put("function", context.getFunctionName());
        out.put("traceparent", context.getTraceContext().getTraceparent());
        return out;
    }

    @FunctionName("boom")
    public HttpResponseMessage boom(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            route = "boom")
                    HttpRequestMessage<Optional<String>> request) {
        throw new IllegalStateException("deliberate failure");
    }

    @FunctionName("adminOnly")
    public String adminOnly(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.ADMIN,
                            route = "admin-only")
                    HttpRequestMessage<Optional<String>> request) {
        return "admin ok";
    }

    @FunctionName("optional")
    public String optional(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            route = "opt/{x?}")
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("x") String x) {
        return "x=" + x;
    }

    @FunctionName("binary")
    public HttpResponseMessage binary(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            route = "binary",
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request) {
        byte[] in = request.getBody().orElse(new byte[0]);
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[in.length - 1 - i];
        return request.createResponseBuilder(HttpStatus.OK).body(out).build();
    }

    /** Reads an app setting the way shared-runtime does: System.getenv. */
    @FunctionName("env")
    public String env(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            route = "env/{key}")
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("key") String key) {
        return String.valueOf(System.getenv(key));
    }

    /** Response through a named http output binding instead of the return value. */
    @FunctionName("outBinding")
    public void outBinding(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            route = "out")
                    HttpRequestMessage<Optional<String>> request,
            @com.microsoft.azure.functions.annotation.HttpOutput(name = "response")
                    com.microsoft.azure.functions.OutputBinding<HttpResponseMessage> response) {
        response.setValue(request.createResponseBuilder(HttpStatus.CREATED)
                .body("via output binding")
                .build());
    }

    @FunctionName("recorded")
    public List<Map<String, Object>> recorded(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            authLevel = AuthorizationLevel.ANONYMOUS,
                            route = "recorded")
                    HttpRequestMessage<Optional<String>> request) {
        return List.copyOf(Recorder.EVENTS);
    }
}
