package io.cifpipe.runtime.http;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A host-independent view of an HTTP request: method, headers (case-insensitive; the Functions host
 * lower-cases them, other hosts may not) and body.
 */
public record HttpCall(String method, Map<String, String> headers, Map<String, String> query, String body) {

    public HttpCall {
        method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (k != null && v != null) h.put(k, v);
            });
        }
        headers = Collections.unmodifiableMap(h);
        query = query == null ? Map.of() : Map.copyOf(query);
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String origin() {
        return header("Origin");
    }

    public boolean isPreflight() {
        return "OPTIONS".equals(method);
    }
}
