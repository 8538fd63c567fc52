package io.cifpipe.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks free loopback ports up front, so a restarted component comes back on the same address. */
final class Ports {
    private Ports() {}

    static int free() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
