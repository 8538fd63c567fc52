package io.cifpipe.devstack.web;

import io.vertx.core.MultiMap;
import java.util.Set;

/**
 * Content-Security-Policy per page, kept per path so the agent page (a CIF host that embeds the panel in its own
 * iframe, issue 25) can differ from the tool pages. Tool pages (ops, telephony, index) and the JSON API may never be
 * framed ({@code frame-ancestors 'none'}, which also defeats click-jacking of "Replay all") and load only their own
 * scripts. The agent page may be framed by, and may frame, its own origin only; its scripts and connections
 * (Entra, SignalR, presence on other local ports) are left to the CIF-host page's owner and not narrowed here.
 */
final class PageSecurity {
    private PageSecurity() {}

    static final String TOOL_PAGE_CSP = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'", // style="" attributes in the pages' markup
            "img-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "frame-src 'none'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'");

    static final String AGENT_PAGE_CSP = String.join("; ",
            "frame-ancestors 'self'",
            "frame-src 'self'",
            "base-uri 'self'",
            "object-src 'none'");

    /** The CIF host and what it embeds (panel, MSAL relay): same-origin framing allowed. */
    private static final Set<String> AGENT_PATHS = Set.of("/agent.html", "/agent.js", "/cif-host.js");

    static String policyFor(String path) {
        if (AGENT_PATHS.contains(path) || path.startsWith("/client/") || path.startsWith("/panel")) {
            return AGENT_PAGE_CSP;
        }
        return TOOL_PAGE_CSP;
    }

    static void apply(String path, MultiMap headers) {
        String csp = policyFor(path);
        headers.set("Content-Security-Policy", csp);
        headers.set("X-Frame-Options", csp == AGENT_PAGE_CSP ? "SAMEORIGIN" : "DENY");
    }
}
