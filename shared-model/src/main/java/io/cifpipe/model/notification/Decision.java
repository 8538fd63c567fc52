package io.cifpipe.model.notification;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.validation.FieldError;
import io.cifpipe.model.validation.Rules;
import io.cifpipe.model.validation.ValidationException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An agent's decision, the argument of hub method {@code decide}: {@code {notificationId, decision, reason}}, plus
 * the optional W3C {@code traceparent} the popup received with {@code notify} (joins decide to the call's trace).
 * Build untrusted input with {@link #fromJson(JsonNode)} (or {@link #fromJson(byte[])}), which validates.
 */
public record Decision(String notificationId, DecisionType decision, String reason, String traceparent) {
    public static final int MAX_REASON_LENGTH = 256;
    /**
     * A reject reason is the code of the reason the agent chose from the client's configured list (e.g.
     * {@code busy-with-customer}, or CIF's {@code DeclinedByAgent}); it becomes the {@code Rejected} outcome's
     * {@code reason}, which telephony may switch on, so it is a code, not free text.
     */
    public static final java.util.regex.Pattern REJECT_REASON =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final Set<String> FIELDS = Set.of("notificationId", "decision", "reason", "traceparent");

    public Decision {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(decision, "decision");
    }

    public Decision(String notificationId, DecisionType decision, String reason) {
        this(notificationId, decision, reason, null);
    }

    /** (callId, agentId) of the notification this decision is about. */
    public NotificationId.Key key() {
        return NotificationId.parse(notificationId);
    }

    public static Decision fromJson(byte[] body) {
        if (body == null) throw ValidationException.malformed("empty body");
        JsonNode node;
        try {
            node = Json.strictMapper().readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            // Jackson reports bad input (syntax, encoding, depth) as IOException; never let it escape as another type
            throw ValidationException.malformed("not valid JSON");
        }
        return fromJson(node);
    }

    /** Validates a decision object (e.g. a SignalR invocation argument). */
    public static Decision fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw ValidationException.malformed("a decision must be a JSON object {notificationId, decision, reason}");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f))
                errors.add(new FieldError(
                        "/" + f, "unknown field; allowed: notificationId, decision, reason, traceparent"));
        }
        JsonNode id = node.get("notificationId");
        if (id == null || id.isNull()) errors.add(new FieldError("/notificationId", "is required"));
        else if (!id.isTextual()) errors.add(new FieldError("/notificationId", "must be a string"));
        else if (!NotificationId.isValid(id.textValue())) {
            errors.add(new FieldError("/notificationId", "is not a notification id (expected n1~<callId>~<agentId>)"));
        }
        JsonNode d = node.get("decision");
        DecisionType type = null;
        if (d == null || d.isNull()) errors.add(new FieldError("/decision", "is required"));
        else if (!d.isTextual()
                || (type = DecisionType.fromWireName(d.textValue()).orElse(null)) == null) {
            errors.add(new FieldError("/decision", "must be \"accept\", \"reject\" or \"overflow\""));
        }
        JsonNode r = node.get("reason");
        String reason = null;
        if (r != null && !r.isNull()) {
            if (!r.isTextual()) errors.add(new FieldError("/reason", "must be a string"));
            else {
                String problem = Rules.checkText(r.textValue(), MAX_REASON_LENGTH);
                if (problem != null) errors.add(new FieldError("/reason", problem));
                else reason = r.textValue();
            }
        }
        if (type == DecisionType.REJECT
                && reason != null
                && !REJECT_REASON.matcher(reason).matches()) {
            errors.add(
                    new FieldError(
                            "/reason",
                            "a reject reason must be a code: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        JsonNode t = node.get("traceparent");
        String traceparent = null;
        if (t != null && !t.isNull()) {
            String problem = t.isTextual() ? Rules.checkTraceparent(t.textValue()) : "must be a string";
            if (problem != null) errors.add(new FieldError("/traceparent", problem));
            else traceparent = t.textValue();
        }
        if (!errors.isEmpty()) throw ValidationException.invalid("invalid decision", errors);
        return new Decision(id.textValue(), type, reason, traceparent);
    }
}
