package io.cifpipe.harness.parts;

import io.cifpipe.harness.Part;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * mock-oauth2-server as Entra ID (OIDC discovery, JWKS, tokens) on a fixed loopback port: with its default
 * configuration, or with one built at each start (devstack's login page and token callbacks).
 */
public final class EntraPart implements Part {
    private final int port;
    private final Callable<OAuth2Config> config;
    private MockOAuth2Server server;

    public EntraPart(int port) {
        this(port, null);
    }

    /** @param config called at each start (null: the mock's defaults) */
    public EntraPart(int port, Callable<OAuth2Config> config) {
        this.port = port;
        this.config = config;
    }

    @Override
    public String name() {
        return "Entra (mock-oauth2-server)";
    }

    @Override
    public synchronized void start() throws Exception {
        if (server != null) return;
        MockOAuth2Server s = config == null ? new MockOAuth2Server() : new MockOAuth2Server(config.call());
        s.start(InetAddress.getByName("127.0.0.1"), port);
        server = s;
    }

    @Override
    public synchronized void stop() {
        if (server == null) return;
        try {
            server.shutdown();
        } catch (Exception ignored) {
            // stopping anyway
        }
        server = null;
    }

    @Override
    public synchronized boolean answers() {
        return server != null;
    }

    /** The running server (null while stopped). */
    public synchronized MockOAuth2Server server() {
        return server;
    }

    /** Issuer URL of {@code issuerId}, without a trailing slash. */
    public String issuer(String issuerId) {
        return server().issuerUrl(issuerId).toString().replaceAll("/$", "");
    }
}
