package io.cifpipe.devstack.web;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request refusal for the devstack's state-changing endpoints (issue 21). A hostile page in the
 * developer's browser can send a "simple" cross-origin POST (form, {@code text/plain}, no preflight) to
 * 127.0.0.1; it cannot send {@code application/json} cross-origin without a CORS preflight, which this server
 * never answers. So a state-changing request must
 * <ul>
 *   <li>come from one of our own origins when the browser says where it comes from ({@code Origin}),</li>
 *   <li>not be marked {@code cross-site}/{@code same-site} by {@code Sec-Fetch-Site},</li>
 *   <li>carry a JSON media type ({@code application/json} or {@code application/*+json}, e.g. CloudEvents),</li>
 *   <li>name a loopback {@code Host} (a DNS-rebinding page would send its own host name).</li>
 * </ul>
 * Scripts and curl send neither {@code Origin} nor {@code Sec-Fetch-Site} and stay allowed: they are not a
 * browser acting for another site. Plain value class; the Vert.x wiring is in {@link WebServer}.
 */
public final class RequestGuard {
    /** Why a request was refused: the HTTP status and a problem detail that names the header. */
    public record Refusal(int status, String title, String detail) {}

    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    private final int port;

    public RequestGuard(int port) {
        this.port = port;
    }

    /** True for the origins the pages are served from: http://localhost:PORT, http://127.0.0.1:PORT, http://[::1]:PORT. */
    public boolean isOwnOrigin(String origin) {
        if (origin == null) return false;
        String o = origin.toLowerCase(Locale.ROOT);
        for (String h : LOOPBACK_HOSTS) {
            if (o.equals("http://" + h + ":" + port)) return true;
        }
        return false;
    }

    /** The Host header must name this server on a loopback name (DNS-rebinding defence); null Host is HTTP/1.0, refused. */
    public Optional<Refusal> checkHost(String host) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        for (String name : LOOPBACK_HOSTS) {
            if (h.equals(name + ":" + port) || (port == 80 && h.equals(name))) return Optional.empty();
        }
        return Optional.of(new Refusal(
                403,
                "Host not allowed",
                "the devstack answers only to localhost:" + port + " / 127.0.0.1:" + port + "; Host was '" + host
                        + "'"));
    }

    /** Checks a state-changing request; empty when it may proceed. */
    public Optional<Refusal> checkStateChange(String host, String origin, String secFetchSite, String contentType) {
        Optional<Refusal> hostRefusal = checkHost(host);
        if (hostRefusal.isPresent()) return hostRefusal;
        if (origin != null && !isOwnOrigin(origin)) {
            return Optional.of(
                    new Refusal(
                            403,
                            "Cross-origin request refused",
                            "Origin '" + origin + "' is not this devstack (http://localhost:" + port
                                    + "); state-changing requests are accepted only from its own pages or from scripts without an Origin"));
        }
        if (secFetchSite != null
                && !secFetchSite.equalsIgnoreCase("same-origin")
                && !secFetchSite.equalsIgnoreCase("none")) {
            return Optional.of(new Refusal(
                    403,
                    "Cross-site request refused",
                    "Sec-Fetch-Site is '" + secFetchSite + "'; only same-origin requests may change state"));
        }
        if (!isJson(contentType)) {
            return Optional.of(new Refusal(
                    415,
                    "JSON required",
                    "Content-Type must be application/json (or application/*+json); got '"
                            + (contentType == null ? "" : contentType) + "'"));
        }
        return Optional.empty();
    }

    /** application/json or a structured-syntax +json type, parameters (charset) ignored. */
    static boolean isJson(String contentType) {
        if (contentType == null) return false;
        String mt = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mt.equals("application/json")
                || (mt.startsWith("application/") && mt.endsWith("+json") && !mt.contains(" "));
    }
}
