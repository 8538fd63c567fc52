package io.cifpipe.devstack;

import io.cifpipe.testsupport.FreePorts;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every port the stack listens on. Defaults are the project's fixed local-stack conventions. */
public record Ports(
        int web,
        int entra,
        int azurite,
        int serviceBus,
        int serviceBusAdmin,
        int signalR,
        int ingress,
        int dispatch,
        int presence) {

    public static Ports defaults() {
        return new Ports(8080, 8091, 10002, 5672, 5380, 8888, 7071, 7072, 7073);
    }

    /** Free loopback ports (test-support FreePorts), for tests that must not collide with a running stack. */
    public static Ports ephemeral() {
        return new Ports(
                FreePorts.free(),
                FreePorts.free(),
                FreePorts.free(),
                FreePorts.free(),
                FreePorts.free(),
                FreePorts.free(),
                FreePorts.free(),
                FreePorts.free(),
                FreePorts.free());
    }

    /** Port → what listens there, in start order; used for the "port in use" check and messages. */
    public Map<String, Integer> byPart() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("devstack pages", web);
        m.put("Entra (mock-oauth2-server)", entra);
        m.put("Azurite tables", azurite);
        m.put("Service Bus AMQP", serviceBus);
        m.put("Service Bus admin", serviceBusAdmin);
        m.put("SignalR emulator", signalR);
        m.put("functions-ingress", ingress);
        m.put("functions-dispatch", dispatch);
        m.put("functions-presence", presence);
        return m;
    }
}
