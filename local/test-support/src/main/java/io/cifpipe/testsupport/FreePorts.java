package io.cifpipe.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback ports up front, so a restarted component comes back on the same address. They are taken
 * below the kernel's ephemeral range (32768-60999 on Linux): a port picked there can be handed, before our server
 * binds it (or while a component is down for a restart), to any outgoing connection of this machine as its local
 * port, and the bind then fails with "Address already in use". Never the same port twice in one JVM.
 */
public final class FreePorts {
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    public static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (GIVEN.contains(port)) continue;
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(port)) return s.getLocalPort();
            } catch (IOException busy) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free loopback port in " + LOW + "-" + HIGH);
    }
}
