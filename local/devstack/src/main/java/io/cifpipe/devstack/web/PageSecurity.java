package io.cifpipe.devstack.web;

import io.vertx.core.MultiMap;
import java.util.Set;

/**
 * Content-Security-Policy per path, so the agent page (a CIF host that embeds the panel in its own iframe, issue
 * 25) can differ from the tool pages. Tool pages (ops, telephony, index) and the JSON API may never be
 * framed ({@code frame-ancestors 'none'}, which also defeats click-jacking of "Replay all") and load only their own
 * scripts. The agent page may be framed by, and may frame, its own origin only; its scripts and connections
 * (Entra, SignalR, presence on other local ports) are left to the CIF-host page's owner and not narrowed here.
 */
final class PageSecurity {
    private PageSecurity() {}

    static final String TOOL_PAGE_CSP = String.join(
            "; ",
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

    static final String AGENT_PAGE_CSP =
            String.join("; ", "frame-ancestors 'self'", "frame-src 'self'", "base-uri 'self'", "object-src 'none'");

    /**
     * The tool pages and their assets, and the whole JSON API: never framed. Everything else is the CIF host side
     * (agent.html, cif-host.js, the client script, whatever panel/relay page issue 25 embeds in its iframe): framing
     * by the same origin allowed, so a new page of that side works without a change here.
     */
    private static final Set<String> TOOL_PATHS = Set.of(
            "/",
            "/index.html",
            "/index.js",
            "/ops.html",
            "/ops.js",
            "/telephony.html",
            "/telephony.js",
            "/common.js",
            "/style.css");

    static String policyFor(String path) {
        if (TOOL_PATHS.contains(path) || path.startsWith("/api/")) {
            return TOOL_PAGE_CSP;
        }
        return AGENT_PAGE_CSP;
    }

    static void apply(String path, MultiMap headers) {
        String csp = policyFor(path);
        headers.set("Content-Security-Policy", csp);
        headers.set("X-Frame-Options", csp == AGENT_PAGE_CSP ? "SAMEORIGIN" : "DENY");
    }
}
