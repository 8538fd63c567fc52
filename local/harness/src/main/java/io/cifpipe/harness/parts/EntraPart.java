package io.cifpipe.harness.parts;

import io.cifpipe.harness.Part;
import java.net.InetAddress;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/** mock-oauth2-server as Entra ID (OIDC discovery, JWKS, tokens) on a fixed loopback port. */
public final class EntraPart implements Part {
    private final int port;
    private MockOAuth2Server server;

    public EntraPart(int port) {
        this.port = port;
    }

    @Override
    public String name() {
        return "Entra (mock-oauth2-server)";
    }

    @Override
    public synchronized void start() throws Exception {
        if (server != null) return;
        MockOAuth2Server s = new MockOAuth2Server();
        s.start(InetAddress.getByName("127.0.0.1"), port);
        server = s;
    }

    @Override
    public synchronized void stop() {
        if (server == null) return;
        server.shutdown();
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
