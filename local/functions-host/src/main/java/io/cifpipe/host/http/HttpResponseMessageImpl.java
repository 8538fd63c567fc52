package io.cifpipe.host.http;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What {@code request.createResponseBuilder(...)...build()} returns: status, headers in order, body. */
public final class HttpResponseMessageImpl implements HttpResponseMessage {
    private final HttpStatusType status;
    private final Map<String, String> headers;
    private final Object body;

    HttpResponseMessageImpl(HttpStatusType status, Map<String, String> headers, Object body) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = body;
    }

    @Override
    public HttpStatusType getStatus() {
        return status;
    }

    @Override
    public int getStatusCode() {
        return status.value();
    }

    @Override
    public Object getBody() {
        return body;
    }

    @Override
    public String getHeader(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    /** All headers as the function set them (the library interface only exposes single lookups). */
    public Map<String, String> headers() {
        return headers;
    }

    static final class Builder implements HttpResponseMessage.Builder {
        private HttpStatusType status;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Object body;

        Builder(HttpStatusType status) {
            this.status = Objects.requireNonNull(status, "status");
        }

        @Override
        public HttpResponseMessage.Builder status(HttpStatusType s) {
            this.status = Objects.requireNonNull(s, "status");
            return this;
        }

        @Override
        public HttpResponseMessage.Builder header(String name, String value) {
            headers.keySet().removeIf(k -> k.equalsIgnoreCase(name));
            headers.put(name, value);
            return this;
        }

        @Override
        public HttpResponseMessage.Builder body(Object b) {
            this.body = b;
            return this;
        }

        @Override
        public HttpResponseMessage build() {
            return new HttpResponseMessageImpl(status, headers, body);
        }
    }
}
