package io.cifpipe.runtime.signalr;

import java.util.List;
import java.util.Map;

/** Result of sending one message to several connections: who got it, who is gone, who failed (and why). */
public record DeliveryReport(List<String> sent, List<String> gone, Map<String, SignalRException> failed) {
    public DeliveryReport {
        sent = List.copyOf(sent);
        gone = List.copyOf(gone);
        failed = Map.copyOf(failed);
    }

    public boolean anySent() {
        return !sent.isEmpty();
    }
}
