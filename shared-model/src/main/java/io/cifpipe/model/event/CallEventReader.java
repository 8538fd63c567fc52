package io.cifpipe.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cifpipe.model.validation.FieldError;
import io.cifpipe.model.validation.Rules;
import io.cloudevents.SpecVersion;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads one event object into a {@link CallEvent}, adding every problem as a {@link FieldError}. */
final class CallEventReader {
    static final int MAX_SOURCE_LENGTH = 256;
    static final int MAX_SUBJECT_LENGTH = 256;
    static final int MAX_DATASCHEMA_LENGTH = 512;
    static final int MAX_EXTENSION_VALUE_LENGTH = 1024;
    static final int MAX_TEXT_LENGTH = 256;
    static final int MAX_QUEUE_LENGTH = 128;
    static final int MAX_REASON_LENGTH = 256;

    /** Context attributes as the CloudEvents SDK defines them for 1.0 (id, source, specversion, type, …). */
    private static final Set<String> CONTEXT_ATTRIBUTES = SpecVersion.V1.getAllAttributes();

    private static final Set<String> MANDATORY = SpecVersion.V1.getMandatoryAttributes();

    private static final List<String> OFFERED_FIELDS = List.of(
            "callId",
            "agentId",
            "callerNumber",
            "callerName",
            "calledNumber",
            "queue",
            "customerContext",
            "ringSeconds");
    private static final List<String> ANSWERED_FIELDS = List.of("callId", "agentId");
    private static final List<String> ENDED_FIELDS = List.of("callId", "agentId", "reason");

    private final CallEventLimits limits;

    CallEventReader(CallEventLimits limits) {
        this.limits = limits;
    }

    /** Returns the event, or null when any error was added for it. */
    CallEvent read(ObjectNode n, String at, List<FieldError> errors) {
        int before = errors.size();
        for (String attr : MANDATORY) {
            JsonNode v = n.get(attr);
            if (v == null || v.isNull()) errors.add(err(at, attr, "is required"));
        }

        String specversion = string(n, at, "specversion", errors);
        if (specversion != null && !specversion.equals(CallEventCodec.specVersion())) {
            errors.add(err(
                    at,
                    "specversion",
                    "unsupported specversion '" + CallEventCodec.printable(specversion) + "'; only "
                            + CallEventCodec.specVersion() + " is supported"));
        }
        String id = string(n, at, "id", errors);
        check(id, Rules.checkId(id), at, "id", errors);

        String source = string(n, at, "source", errors);
        if (source != null) check(source, checkUriReference(source, MAX_SOURCE_LENGTH, false), at, "source", errors);

        String typeName = string(n, at, "type", errors);
        CallEventType type = null;
        if (typeName != null) {
            type = CallEventType.fromWireName(typeName).orElse(null);
            if (type == null) {
                errors.add(err(
                        at,
                        "type",
                        "unknown event type '" + CallEventCodec.printable(typeName) + "'; known types: "
                                + CallEventType.knownNames()));
            }
        }

        String timeText = string(n, at, "time", errors);
        Instant time = null;
        if (timeText != null) {
            time = Rules.parseRfc3339(timeText);
            if (time == null) {
                errors.add(err(at, "time", "must be an RFC 3339 date-time such as 2025-01-31T09:30:00Z"));
            }
        }
        String subject = string(n, at, "subject", errors);
        check(subject, Rules.checkText(subject, MAX_SUBJECT_LENGTH), at, "subject", errors);

        String dct = string(n, at, "datacontenttype", errors);
        if (dct != null && !dct.split(";")[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
            errors.add(err(at, "datacontenttype", "must be application/json (data is a JSON object)"));
        }
        String dataschema = string(n, at, "dataschema", errors);
        if (dataschema != null) {
            check(dataschema, checkUriReference(dataschema, MAX_DATASCHEMA_LENGTH, true), at, "dataschema", errors);
        }

        String traceparent = null;
        Map<String, Object> extensions = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (CONTEXT_ATTRIBUTES.contains(name) || name.equals("data") || name.equals("data_base64")) continue;
            if (!Rules.EXTENSION_NAME.matcher(name).matches()) {
                errors.add(err(
                        at,
                        name,
                        "unknown attribute; CloudEvents extension attribute names are 1 to 20 "
                                + "lower-case letters or digits"));
                continue;
            }
            if (name.equals("traceparent")) {
                traceparent = string(n, at, name, errors);
                check(traceparent, Rules.checkTraceparent(traceparent), at, name, errors);
                continue;
            }
            Object value = extensionValue(f.getValue());
            if (value == null && !f.getValue().isNull()) {
                errors.add(err(
                        at,
                        name,
                        "extension attribute values must be a string (at most " + MAX_EXTENSION_VALUE_LENGTH
                                + " characters, no control characters), a boolean or a 32-bit integer"));
            } else if (value != null) {
                extensions.put(name, value);
            }
        }
        if (extensions.size() > CallEventCodec.MAX_EXTENSIONS) {
            errors.add(new FieldError(at, "at most " + CallEventCodec.MAX_EXTENSIONS + " extension attributes"));
        }

        if (n.has("data_base64")) {
            errors.add(err(at, "data_base64", "is not supported: send the data as a JSON object in 'data'"));
        }
        JsonNode dataNode = n.get("data");
        CallEventData data = null;
        if (dataNode == null || dataNode.isNull()) {
            errors.add(err(at, "data", "is required"));
        } else if (!dataNode.isObject()) {
            errors.add(err(at, "data", "must be a JSON object"));
        } else if (type != null) {
            data = readData(type, (ObjectNode) dataNode, at + "/data", errors);
        }

        if (errors.size() > before || data == null) return null;
        return new CallEvent(
                id, source, specversion, type, time, subject, dct, dataschema, traceparent, extensions, data);
    }

    private CallEventData readData(CallEventType type, ObjectNode d, String at, List<FieldError> errors) {
        int before = errors.size();
        List<String> allowed =
                switch (type) {
                    case OFFERED -> OFFERED_FIELDS;
                    case ANSWERED -> ANSWERED_FIELDS;
                    case ENDED -> ENDED_FIELDS;
                };
        for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                errors.add(err(
                        at, f, "unknown field for " + type.wireName() + "; allowed: " + String.join(", ", allowed)));
            }
        }
        String callId = requiredId(d, at, "callId", errors);
        // agentId is required when a call is offered; for answered/ended it is optional (null = every agent).
        String agentId =
                type == CallEventType.OFFERED ? requiredId(d, at, "agentId", errors) : string(d, at, "agentId", errors);
        if (type != CallEventType.OFFERED) check(agentId, Rules.checkId(agentId), at, "agentId", errors);

        CallEventData result =
                switch (type) {
                    case OFFERED -> {
                        String callerNumber = string(d, at, "callerNumber", errors);
                        check(callerNumber, Rules.checkPhoneNumber(callerNumber), at, "callerNumber", errors);
                        String callerName = string(d, at, "callerName", errors);
                        check(callerName, Rules.checkText(callerName, MAX_TEXT_LENGTH), at, "callerName", errors);
                        String calledNumber = string(d, at, "calledNumber", errors);
                        check(calledNumber, Rules.checkPhoneNumber(calledNumber), at, "calledNumber", errors);
                        String queue = string(d, at, "queue", errors);
                        check(queue, Rules.checkText(queue, MAX_QUEUE_LENGTH), at, "queue", errors);
                        Map<String, String> ctx = context(d.get("customerContext"), at + "/customerContext", errors);
                        Integer ring = ringSeconds(d.get("ringSeconds"), at + "/ringSeconds", errors);
                        yield errors.size() > before
                                ? null
                                : new CallOffered(
                                        callId, agentId, callerNumber, callerName, calledNumber, queue, ctx, ring);
                    }
                    case ANSWERED -> errors.size() > before ? null : new CallAnswered(callId, agentId);
                    case ENDED -> {
                        String reason = string(d, at, "reason", errors);
                        check(reason, Rules.checkText(reason, MAX_REASON_LENGTH), at, "reason", errors);
                        yield errors.size() > before ? null : new CallEnded(callId, agentId, reason);
                    }
                };
        return result;
    }

    private Map<String, String> context(JsonNode node, String at, List<FieldError> errors) {
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) {
            errors.add(new FieldError(at, "must be a JSON object of string values"));
            return Map.of();
        }
        if (node.size() > limits.maxContextEntries()) {
            errors.add(new FieldError(at, "has " + node.size() + " entries; at most " + limits.maxContextEntries()));
            return Map.of();
        }
        Map<String, String> ctx = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String p = at + "/" + escape(key);
            if (key.isEmpty() || key.length() > limits.maxContextKeyLength() || Rules.hasControlChar(key)) {
                errors.add(new FieldError(
                        p,
                        "keys must be 1 to " + limits.maxContextKeyLength()
                                + " characters without control characters"));
                continue;
            }
            JsonNode v = e.getValue();
            if (!v.isTextual()) {
                errors.add(new FieldError(p, "must be a string"));
                continue;
            }
            String problem = Rules.checkText(v.textValue(), limits.maxContextValueLength());
            if (problem != null) errors.add(new FieldError(p, problem));
            else ctx.put(key, v.textValue());
        }
        return ctx;
    }

    private Integer ringSeconds(JsonNode node, String at, List<FieldError> errors) {
        if (node == null || node.isNull()) return null;
        String range = "must be an integer from " + limits.minRingSeconds() + " to " + limits.maxRingSeconds();
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            errors.add(new FieldError(at, range));
            return null;
        }
        int v = node.intValue();
        if (v < limits.minRingSeconds() || v > limits.maxRingSeconds()) {
            errors.add(new FieldError(at, range + "; got " + v));
            return null;
        }
        return v;
    }

    private static Object extensionValue(JsonNode v) {
        if (v.isTextual()) {
            String s = v.textValue();
            return s.length() <= MAX_EXTENSION_VALUE_LENGTH && !Rules.hasControlChar(s) ? s : null;
        }
        if (v.isBoolean()) return v.booleanValue();
        if (v.isIntegralNumber() && v.canConvertToInt()) return v.intValue();
        return null;
    }

    private static String requiredId(JsonNode d, String at, String field, List<FieldError> errors) {
        JsonNode v = d.get(field);
        if (v == null || v.isNull()) {
            errors.add(err(at, field, "is required"));
            return null;
        }
        String s = string(d, at, field, errors);
        check(s, Rules.checkId(s), at, field, errors);
        return s;
    }

    /** The string value of an optional member; a non-string adds "must be a string" and returns null. */
    private static String string(JsonNode n, String at, String field, List<FieldError> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            errors.add(err(at, field, "must be a string"));
            return null;
        }
        return v.textValue();
    }

    private static void check(String value, String problem, String at, String field, List<FieldError> errors) {
        if (value != null && problem != null) errors.add(err(at, field, problem));
    }

    private static String checkUriReference(String v, int max, boolean absolute) {
        if (v.isEmpty()) return "must not be empty";
        if (v.length() > max) return "must be at most " + max + " characters";
        if (Rules.hasControlChar(v) || v.indexOf(' ') >= 0)
            return "must be a URI reference without spaces or control characters";
        try {
            URI uri = new URI(v);
            if (absolute && !uri.isAbsolute()) return "must be an absolute URI";
        } catch (URISyntaxException e) {
            return "must be a valid URI reference (RFC 3986)";
        }
        return null;
    }

    static FieldError err(String at, String field, String message) {
        return new FieldError(at + "/" + escape(field), message);
    }

    /** RFC 6901 escaping of one reference token. */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
