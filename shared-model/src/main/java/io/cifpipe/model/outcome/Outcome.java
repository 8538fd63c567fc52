package io.cifpipe.model.outcome;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.notification.NotificationId;
import io.cifpipe.model.validation.FieldError;
import io.cifpipe.model.validation.Rules;
import io.cifpipe.model.validation.ValidationException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The message body on {@code call-outcomes} (schema {@code schemas/outcome.schema.json}).
 *
 * @param connectionId the SignalR connection that delivered / decided (null when none, e.g. Undeliverable)
 * @param reason       short reason (reject reason, "ring window closed", "call.answered" …)
 * @param latencyMs    offer time → this outcome, in milliseconds (null when unknown)
 */
@JsonPropertyOrder({"notificationId", "callId", "agentId", "outcome", "at", "connectionId", "reason", "latencyMs"})
public record Outcome(
        String notificationId,
        String callId,
        String agentId,
        OutcomeType outcome,
        Instant at,
        String connectionId,
        String reason,
        Long latencyMs) {
    public Outcome {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
    }

    public static Outcome of(
            String callId,
            String agentId,
            OutcomeType outcome,
            Instant at,
            String connectionId,
            String reason,
            Long latencyMs) {
        return new Outcome(
                NotificationId.of(callId, agentId), callId, agentId, outcome, at, connectionId, reason, latencyMs);
    }

    public byte[] toJson() {
        try {
            return Json.mapper().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("outcome is always serialisable", e);
        }
    }

    /** Parses and validates an outcome message (consumers, tests); throws {@link ValidationException}. */
    public static Outcome fromJson(byte[] body) {
        JsonNode n;
        try {
            n = Json.strictMapper().readTree(body == null ? new byte[0] : body);
        } catch (IOException | RuntimeException e) {
            throw ValidationException.malformed("not valid JSON");
        }
        if (n == null || !n.isObject()) throw ValidationException.malformed("an outcome must be a JSON object");
        List<FieldError> errors = new ArrayList<>();
        String callId = id(n, "callId", errors);
        String agentId = id(n, "agentId", errors);
        String notificationId = text(n, "notificationId", true, errors);
        if (notificationId != null) {
            if (!NotificationId.isValid(notificationId)) {
                errors.add(new FieldError("/notificationId", "is not a notification id"));
            } else if (callId != null
                    && agentId != null
                    && !notificationId.equals(NotificationId.of(callId, agentId))) {
                errors.add(new FieldError("/notificationId", "does not match callId and agentId"));
            }
        }
        String o = text(n, "outcome", true, errors);
        OutcomeType type = o == null ? null : OutcomeType.fromWireName(o).orElse(null);
        if (o != null && type == null) {
            errors.add(new FieldError(
                    "/outcome",
                    "must be one of "
                            + java.util.Arrays.stream(OutcomeType.values())
                                    .map(OutcomeType::wireName)
                                    .collect(java.util.stream.Collectors.joining(", "))));
        }
        String atText = text(n, "at", true, errors);
        Instant at = atText == null ? null : Rules.parseRfc3339(atText);
        if (atText != null && at == null) errors.add(new FieldError("/at", "must be an RFC 3339 date-time"));
        String connectionId = text(n, "connectionId", false, errors);
        String reason = text(n, "reason", false, errors);
        if (reason != null && Rules.checkText(reason, 256) != null) {
            errors.add(new FieldError("/reason", Rules.checkText(reason, 256)));
        }
        Long latency = null;
        JsonNode l = n.get("latencyMs");
        if (l != null && !l.isNull()) {
            if (!l.isIntegralNumber() || !l.canConvertToLong() || l.longValue() < 0) {
                errors.add(new FieldError("/latencyMs", "must be a non-negative integer"));
            } else {
                latency = l.longValue();
            }
        }
        if (!errors.isEmpty()) throw ValidationException.invalid("invalid outcome", errors);
        return new Outcome(notificationId, callId, agentId, type, at, connectionId, reason, latency);
    }

    private static String id(JsonNode n, String field, List<FieldError> errors) {
        String v = text(n, field, true, errors);
        if (v == null) return null;
        String problem = Rules.checkId(v);
        if (problem != null) {
            errors.add(new FieldError("/" + field, problem));
            return null;
        }
        return v;
    }

    private static String text(JsonNode n, String field, boolean required, List<FieldError> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) errors.add(new FieldError("/" + field, "is required"));
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError("/" + field, "must be a string"));
            return null;
        }
        return v.textValue();
    }
}
