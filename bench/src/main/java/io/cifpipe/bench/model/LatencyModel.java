package io.cifpipe.bench.model;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Assumed in-region Azure round-trip times per operation (network + service time) for each stand-in, injected as a
 * fixed delay of half the round trip in each direction by a {@link DelayProxy} in front of it. The defaults are
 * assumptions, stated with their basis in bench/README.md ("Azure latency model"); every one is a flag so measured
 * Azure figures (Application Insights dependency durations) can replace them.
 *
 * @param tableRtt        one Table Storage operation (Azurite)
 * @param serviceBusRtt   one Service Bus AMQP exchange (send → accepted disposition, flow → transfer, settle)
 * @param signalrRestRtt  one SignalR Service REST request (send to user/connection, user-exists HEAD)
 * @param functionsHttpRtt one HTTP exchange with a Functions app's front end (telephony → ingress POST)
 */
public record LatencyModel(
        Duration tableRtt, Duration serviceBusRtt, Duration signalrRestRtt, Duration functionsHttpRtt) {
    public static final LatencyModel DEFAULT =
            new LatencyModel(Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofMillis(3));

    /** Half the round trip: the delay each direction gets. */
    public Duration oneWay(String service) {
        return rtt(service).dividedBy(2);
    }

    public Duration rtt(String service) {
        return switch (service) {
            case "tables" -> tableRtt;
            case "servicebus" -> serviceBusRtt;
            case "signalr" -> signalrRestRtt;
            case "functions" -> functionsHttpRtt;
            default -> throw new IllegalArgumentException("no latency assumption for " + service);
        };
    }

    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table_rtt_ms", tableRtt.toNanos() / 1e6);
        m.put("servicebus_rtt_ms", serviceBusRtt.toNanos() / 1e6);
        m.put("signalr_rest_rtt_ms", signalrRestRtt.toNanos() / 1e6);
        m.put("functions_http_rtt_ms", functionsHttpRtt.toNanos() / 1e6);
        return m;
    }
}
