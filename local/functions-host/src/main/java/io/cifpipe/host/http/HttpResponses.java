package io.cifpipe.host.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.HttpResponseMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes what an HTTP function produced: String/byte[] bodies as-is, anything else as JSON. */
public final class HttpResponses {
    private HttpResponses() {}

    public static void write(HttpServerResponse response, Object produced, ObjectMapper mapper) throws IOException {
        if (produced instanceof HttpResponseMessage message) {
            response.setStatusCode(message.getStatusCode());
            if (message instanceof HttpResponseMessageImpl impl) {
                for (Map.Entry<String, String> h : impl.headers().entrySet()) {
                    if (h.getValue() != null) response.putHeader(h.getKey(), h.getValue());
                }
            }
            writeBody(response, message.getBody(), mapper);
        } else if (produced == null) {
            response.setStatusCode(204).end();
        } else {
            response.setStatusCode(200);
            writeBody(response, produced, mapper);
        }
    }

    private static void writeBody(HttpServerResponse response, Object body, ObjectMapper mapper) throws IOException {
        byte[] bytes;
        String defaultType;
        if (body == null) {
            response.end();
            return;
        } else if (body instanceof byte[] b) {
            bytes = b;
            defaultType = "application/octet-stream";
        } else if (body instanceof CharSequence s) {
            bytes = s.toString().getBytes(StandardCharsets.UTF_8);
            defaultType = "text/plain; charset=utf-8";
        } else {
            bytes = mapper.writeValueAsBytes(body);
            defaultType = "application/json; charset=utf-8";
        }
        if (!response.headers().contains("Content-Type")) response.putHeader("Content-Type", defaultType);
        response.end(Buffer.buffer(bytes));
    }
}
