package io.cifpipe.runtime.http;

import io.cifpipe.model.Setting;
import io.cifpipe.model.validation.ProblemType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * CORS for the browser endpoints, from an explicit origin allow-list ({@link Setting#ALLOWED_ORIGINS}).
 * The SignalR JS client sends credentials and non-simple headers, so an allowed origin is echoed (never
 * {@code *}) with {@code Access-Control-Allow-Credentials: true}; an unknown origin gets no allow headers.
 *
 * <p>Done in code rather than by platform CORS so the same rules hold on Azure and locally; the Function
 * app's platform CORS list must stay empty, otherwise it answers preflights itself.
 */
public final class CorsPolicy {
    static final String ALLOWED_METHODS = "GET, POST, OPTIONS";
    private static final Set<String> METHODS = Set.of("GET", "POST", "OPTIONS");
    static final Set<String> ALLOWED_HEADERS =
            Set.of("authorization", "content-type", "x-requested-with", "x-signalr-user-agent");
    static final String MAX_AGE_SECONDS = "600";

    private final Set<String> origins;

    public CorsPolicy(Set<String> allowedOrigins) {
        for (String o : allowedOrigins) {
            if (o.equals("*")) {
                throw new IllegalArgumentException(
                        "'*' is not allowed as a CORS origin with credentials; list origins");
            }
        }
        this.origins = allowedOrigins.stream().map(CorsPolicy::normalise).collect(Collectors.toUnmodifiableSet());
    }

    public static CorsPolicy fromSettings(Function<String, String> env) {
        String raw = Setting.ALLOWED_ORIGINS.read(env).orElse("");
        return new CorsPolicy(Arrays.stream(raw.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet()));
    }

    public boolean allows(String origin) {
        return origin != null && origins.contains(normalise(origin));
    }

    /** Headers for an actual (non-preflight) response to a request carrying {@code origin}. */
    public Map<String, String> responseHeaders(String origin) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Vary", "Origin");
        if (allows(origin)) {
            h.put("Access-Control-Allow-Origin", origin);
            h.put("Access-Control-Allow-Credentials", "true");
            h.put("Access-Control-Expose-Headers", "WWW-Authenticate");
        }
        return h;
    }

    /**
     * Answer to a preflight. Allowed origin and method: 204 with allow headers. Otherwise 403 without any
     * allow header, so the browser blocks the real request.
     */
    public HttpReply preflight(String origin, String requestMethod, String requestHeaders) {
        boolean methodOk =
                requestMethod != null && METHODS.contains(requestMethod.trim().toUpperCase(Locale.ROOT));
        if (!allows(origin) || !methodOk) {
            return HttpReply.problem(ProblemType.CORS, "origin or method not allowed")
                    .withHeader("Vary", "Origin");
        }
        String headers = requestHeaders == null
                ? ""
                : Arrays.stream(requestHeaders.split(","))
                        .map(s -> s.trim().toLowerCase(Locale.ROOT))
                        .filter(ALLOWED_HEADERS::contains)
                        .collect(Collectors.joining(", "));
        Map<String, String> h = new LinkedHashMap<>(responseHeaders(origin));
        h.put("Access-Control-Allow-Methods", ALLOWED_METHODS);
        if (!headers.isEmpty()) {
            h.put("Access-Control-Allow-Headers", headers);
        }
        h.put("Access-Control-Max-Age", MAX_AGE_SECONDS);
        h.remove("Access-Control-Expose-Headers");
        return new HttpReply(204, h, null);
    }

    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
