package io.cifpipe.reliability;

import io.cifpipe.harness.Stack;

/**
 * The stacks the suite shares (one JVM runs all classes): an ingress-only stack (no consumer, so queue depths
 * prove "nothing enqueued"; app tokens required) and the full pipeline. Started on first use, stopped at exit.
 */
final class Stacks {
    private static Stack ingress;
    private static Stack full;

    private Stacks() {}

    static synchronized Stack ingress() {
        if (ingress == null) {
            ingress = Stack.start(Stack.Options.ingressOnly().withAppToken());
            Stack s = ingress;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "ingress-stack-stop"));
        }
        return ingress;
    }

    static synchronized Stack full() {
        if (full == null) {
            // The fault runs' agents accept every call and their telephony sends no call.ended: with issue 20's
            // default capacity of 1 every offer after the first accept would end Unavailable/at-capacity. Capacity is
            // not what these runs test (AgentSideRulesTest does, on its own stack with the defaults).
            full = Stack.start(Stack.Options.all()
                    .withUpstreamProxy()
                    .withAppSettings(java.util.Map.of(io.cifpipe.model.Setting.AGENT_CAPACITY.key(), "1000")));
            Stack s = full;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "full-stack-stop"));
        }
        return full;
    }

    /** Stacks started so far (the log scan covers what ran). */
    static synchronized java.util.List<Stack> started() {
        java.util.List<Stack> l = new java.util.ArrayList<>();
        if (ingress != null) l.add(ingress);
        if (full != null) l.add(full);
        return l;
    }
}
