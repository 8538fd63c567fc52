package io.cifpipe.ops;

import io.cifpipe.model.Names;
import io.cifpipe.model.event.CallEvent;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.validation.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Would this dead letter fail again if replayed? Runs the same shared-model validation dispatch runs on a call-events
 * message (CloudEvent schema and limits, then the routing application properties against the event), so a replay
 * can refuse (or, with {@code --force}, warn about) a message that would only be poisoned again. Default limits:
 * a deployment with a larger MaxRingSeconds may see a false "would fail", which {@code --force} overrides.
 */
public final class ReplayCheck {
    private static final CallEventCodec CODEC = new CallEventCodec();

    private ReplayCheck() {}

    /** Empty when the message would pass dispatch's validation; else the error, naming the field. */
    public static Optional<String> wouldFail(DeadLetterEntry e) {
        byte[] body = e.body() == null ? new byte[0] : e.body().getBytes(StandardCharsets.UTF_8);
        if (body.length == 0) return Optional.of("empty message body");
        CallEvent event;
        try {
            event = CODEC.parseEvent(body);
        } catch (ValidationException ex) {
            return Optional.of("invalid call event: " + ex.getMessage());
        }
        Map<String, Object> props = e.applicationProperties();
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put(Names.PROP_TYPE, event.type().wireName());
        expected.put(Names.PROP_CALL_ID, event.callId());
        expected.put(Names.PROP_AGENT_ID, event.agentId());
        for (var check : expected.entrySet()) {
            Object actual = props.get(check.getKey());
            if (actual != null && check.getValue() != null && !actual.toString().equals(check.getValue())) {
                return Optional.of("application property '" + check.getKey() + "' is '" + actual
                        + "' but the event says '" + check.getValue() + "'");
            }
        }
        return Optional.empty();
    }
}
