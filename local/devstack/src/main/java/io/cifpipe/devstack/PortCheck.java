package io.cifpipe.devstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

/** Fails fast, naming the port and the fix, before anything is started. */
final class PortCheck {
    private PortCheck() {}

    static void ensureFree(Ports ports) {
        for (Map.Entry<String, Integer> e : ports.byPart().entrySet()) {
            int port = e.getValue();
            if (!isFree(port)) {
                throw new StackException(
                        "Port " + port + " (" + e.getKey() + ") is already in use.",
                        "Stop whatever listens there (is a stack already running? try './dev down'; "
                                + "'ss -ltnp sport = :" + port + "' shows the process), then run './dev up' again.");
            }
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
