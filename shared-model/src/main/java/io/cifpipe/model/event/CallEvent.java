package io.cifpipe.model.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cifpipe.model.validation.ValidationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A call event: a CloudEvents 1.0 envelope with typed data. Parse and encode with {@link CallEventCodec}
 * (which validates); {@code id} is the dedupe key (Service Bus MessageId).
 *
 * @param id              CloudEvents id, unique per source; safe charset, at most 128 characters
 * @param source          URI-reference of the producer, e.g. {@code /pbx/site-1}
 * @param specversion     always "1.0"
 * @param type            event type (matches {@code data})
 * @param time            when it happened (optional in CloudEvents; null if absent)
 * @param subject         optional subject (we recommend the callId)
 * @param datacontenttype optional; only {@code application/json} is accepted
 * @param dataschema      optional absolute URI of the data schema
 * @param traceparent     optional W3C trace context extension attribute
 * @param extensions      other CloudEvents extension attributes (String, Boolean or Integer values)
 * @param data            typed payload
 */
public record CallEvent(
        String id,
        String source,
        String specversion,
        CallEventType type,
        Instant time,
        String subject,
        String datacontenttype,
        String dataschema,
        String traceparent,
        Map<String, Object> extensions,
        CallEventData data) {
    public static final String SPEC_VERSION = "1.0";
    public static final String DATA_CONTENT_TYPE = "application/json";
    private static final CallEventCodec DEFAULT_CODEC = new CallEventCodec();

    public CallEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(data, "data");
        if (specversion == null) specversion = SPEC_VERSION;
        if (type == null) type = data.type();
        if (type != data.type()) {
            throw new IllegalArgumentException("type " + type + " does not match data " + data.type());
        }
        extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    /** A new event with spec defaults (specversion 1.0, datacontenttype application/json, subject = callId). */
    public static CallEvent of(String id, String source, Instant time, CallEventData data) {
        return new CallEvent(
                id,
                source,
                SPEC_VERSION,
                data.type(),
                time,
                data.callId(),
                DATA_CONTENT_TYPE,
                null,
                null,
                Map.of(),
                data);
    }

    public CallEvent withTraceparent(String newTraceparent) {
        return new CallEvent(
                id,
                source,
                specversion,
                type,
                time,
                subject,
                datacontenttype,
                dataschema,
                newTraceparent,
                extensions,
                data);
    }

    /**
     * The structured-mode JSON, so that plain Jackson ({@code Json.mapper()}) writes the same wire format as
     * {@link CallEventCodec#encode} (without its validation and size check; prefer the codec).
     */
    @JsonValue
    public ObjectNode toJsonNode() {
        return DEFAULT_CODEC.toJsonNode(this);
    }

    /** Lets plain Jackson read an event; validates like the codec (Jackson wraps the {@link ValidationException}). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static CallEvent fromJsonNode(JsonNode node) {
        if (node == null || !node.isObject()) throw ValidationException.malformed("a CloudEvent must be a JSON object");
        var errors = new ArrayList<io.cifpipe.model.validation.FieldError>();
        CallEvent e = new CallEventReader(CallEventLimits.DEFAULT).read((ObjectNode) node, "", errors);
        if (!errors.isEmpty()) throw ValidationException.invalid("the event has invalid fields", errors);
        return e;
    }

    public String callId() {
        return data.callId();
    }

    /** Null for answered/ended events that concern every agent offered the call. */
    public String agentId() {
        return data.agentId();
    }

    /** The offered data, or an exception if this is not a {@code call.offered} event. */
    public CallOffered offered() {
        if (data instanceof CallOffered o) return o;
        throw new IllegalStateException("not a call.offered event: " + type);
    }
}
