package io.cifpipe.model.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.validation.FieldError;
import io.cifpipe.model.validation.ValidationException;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses and encodes call events in CloudEvents 1.0 structured JSON mode, single
 * ({@value #MEDIA_TYPE}) and batched ({@value #BATCH_MEDIA_TYPE}), validating strictly.
 *
 * <p>Every failure is a {@link ValidationException}: 400 body not UTF-8 / not JSON / wrong shape, 413 over the
 * {@link CallEventLimits}, 415 content type, 422 field errors (all of them, each with a JSON pointer).
 * Thread-safe; keep one instance.
 *
 * <p>Why the validation is hand-written over Jackson trees rather than done by the CloudEvents SDK's
 * {@code JsonFormat}: the SDK stops at the first problem with a generic exception and knows nothing of
 * our data. We still take the spec's attribute sets from {@link SpecVersion} and offer
 * {@link #toCloudEvent} for SDK interop; a test checks that the SDK reads what we write and vice versa.
 */
public final class CallEventCodec {
    public static final String MEDIA_TYPE = "application/cloudevents+json";
    public static final String BATCH_MEDIA_TYPE = "application/cloudevents-batch+json";
    public static final int MAX_EXTENSIONS = 16;
    static final int MAX_REPORTED_ERRORS = 100;

    private static final String SPEC = SpecVersion.V1.toString();
    private static final ObjectMapper MAPPER = Json.strictMapper();
    /** Reads one value from a parser positioned inside a larger document (batch element, single body). */
    private static final ObjectReader ELEMENT_READER =
            MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final CallEventLimits limits;
    private final CallEventReader reader;

    public CallEventCodec() {
        this(CallEventLimits.DEFAULT);
    }

    public CallEventCodec(CallEventLimits limits) {
        this.limits = limits;
        this.reader = new CallEventReader(limits);
    }

    public CallEventLimits limits() {
        return limits;
    }

    /** Parses a request body by its Content-Type: one event or a batch. Never returns an empty list. */
    public List<CallEvent> parse(byte[] body, String contentType) {
        return isBatch(contentType) ? parseBatch(body) : List.of(parseEvent(body));
    }

    /** True for the batch media type, false for the single one; 415 for anything else. */
    public static boolean isBatch(String contentType) {
        String supported = "use " + MEDIA_TYPE + " (one event) or " + BATCH_MEDIA_TYPE + " (a JSON array)";
        if (contentType == null || contentType.isBlank()) {
            throw ValidationException.unsupportedMediaType("Content-Type is required; " + supported);
        }
        // limit -1 keeps empty parts, so ";" yields ["", ""] rather than an empty array
        String[] parts = contentType.split(";", -1);
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv[0].trim().equalsIgnoreCase("charset")) {
                String cs = kv.length > 1 ? kv[1].trim().replace("\"", "") : "";
                if (!cs.equalsIgnoreCase("utf-8")) {
                    throw ValidationException.unsupportedMediaType(
                            "only charset=utf-8 is supported, got '" + printable(cs) + "'");
                }
            }
        }
        return switch (type) {
            case MEDIA_TYPE -> false;
            case BATCH_MEDIA_TYPE -> true;
            case "application/json" ->
                throw ValidationException.unsupportedMediaType(
                        "CloudEvents binary content mode is not supported; send the structured event with Content-Type "
                                + MEDIA_TYPE + ", or a batch with " + BATCH_MEDIA_TYPE);
            default ->
                throw ValidationException.unsupportedMediaType(
                        "unsupported Content-Type '" + printable(contentType) + "'; " + supported);
        };
    }

    /** One structured-mode event. */
    public CallEvent parseEvent(byte[] body) {
        String text = decode(body, limits.maxEventBytes(), "an event");
        JsonNode node = readSingle(text);
        if (!node.isObject()) {
            throw ValidationException.malformed(
                    "a structured CloudEvent must be a JSON object"
                            + (node.isArray() ? "; send arrays with Content-Type " + BATCH_MEDIA_TYPE : ""),
                    List.of(new FieldError("", "must be a JSON object")));
        }
        List<FieldError> errors = new ArrayList<>();
        CallEvent event = reader.read((ObjectNode) node, "", errors);
        throwIfAny(errors, "the event has invalid fields");
        return event;
    }

    /** A batch: JSON array of 1..maxBatchEvents structured events; all-or-nothing. */
    public List<CallEvent> parseBatch(byte[] body) {
        String text = decode(body, limits.maxBatchBytes(), "a batch");
        List<JsonNode> nodes = new ArrayList<>();
        try (JsonParser p = MAPPER.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) throw ValidationException.malformed("the body is empty");
            if (t != JsonToken.START_ARRAY) {
                throw ValidationException.malformed(
                        "a batch must be a JSON array of CloudEvents"
                                + (t == JsonToken.START_OBJECT
                                        ? "; send a single event with Content-Type " + MEDIA_TYPE
                                        : ""),
                        List.of(new FieldError("", "must be a JSON array")));
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) throw ValidationException.malformed("the batch array is not closed");
                if (nodes.size() >= limits.maxBatchEvents()) {
                    throw ValidationException.tooLarge("a batch holds at most " + limits.maxBatchEvents() + " events");
                }
                long start = p.currentTokenLocation().getCharOffset();
                JsonNode n = ELEMENT_READER.readTree(p);
                long end = p.currentLocation().getCharOffset();
                if (utf8Length(text, (int) start, (int) end) > limits.maxEventBytes()) {
                    throw ValidationException.tooLarge(
                            "event /" + nodes.size() + " is larger than " + limits.maxEventBytes() + " bytes");
                }
                nodes.add(n);
            }
            if (p.nextToken() != null) throw ValidationException.malformed("unexpected content after the JSON array");
        } catch (IOException e) {
            throw jsonError(e);
        }
        if (nodes.isEmpty()) throw ValidationException.invalid("", "a batch must contain at least one event");

        List<FieldError> shape = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).isObject()) shape.add(new FieldError("/" + i, "must be a JSON object (a CloudEvent)"));
        }
        if (!shape.isEmpty()) throw ValidationException.malformed("every batch element must be a JSON object", shape);

        List<FieldError> errors = new ArrayList<>();
        List<CallEvent> events = new ArrayList<>(nodes.size());
        Map<String, Integer> seenIds = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            CallEvent e = reader.read((ObjectNode) nodes.get(i), "/" + i, errors);
            if (e != null) {
                Integer first = seenIds.putIfAbsent(e.source() + "\n" + e.id(), i);
                if (first != null) errors.add(new FieldError("/" + i + "/id", "duplicates the id of /" + first));
                events.add(e);
            }
        }
        throwIfAny(errors, "the batch has invalid events; none was accepted");
        return List.copyOf(events);
    }

    /** The structured-mode JSON of a valid event; 422/413 {@link ValidationException} if it is not valid. */
    public byte[] encode(CallEvent event) {
        ObjectNode node = toJsonNode(event);
        List<FieldError> errors = new ArrayList<>();
        reader.read(node, "", errors);
        throwIfAny(errors, "refusing to encode an invalid event");
        byte[] bytes = write(node);
        if (bytes.length > limits.maxEventBytes()) {
            throw ValidationException.tooLarge("the event is larger than " + limits.maxEventBytes() + " bytes");
        }
        return bytes;
    }

    /** A batch body ({@value #BATCH_MEDIA_TYPE}) of valid events. */
    public byte[] encodeBatch(List<CallEvent> events) {
        if (events.isEmpty()) throw ValidationException.invalid("", "a batch must contain at least one event");
        if (events.size() > limits.maxBatchEvents()) {
            throw ValidationException.tooLarge("a batch holds at most " + limits.maxBatchEvents() + " events");
        }
        ArrayNode array = MAPPER.createArrayNode();
        for (CallEvent e : events) array.add(readTreeUnchecked(encode(e)));
        byte[] bytes = write(array);
        if (bytes.length > limits.maxBatchBytes()) {
            throw ValidationException.tooLarge("the batch is larger than " + limits.maxBatchBytes() + " bytes");
        }
        return bytes;
    }

    /** The JSON tree of an event, without validation. */
    public ObjectNode toJsonNode(CallEvent e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("specversion", e.specversion());
        n.put("id", e.id());
        n.put("source", e.source());
        n.put("type", e.type().wireName());
        if (e.subject() != null) n.put("subject", e.subject());
        if (e.time() != null) n.put("time", e.time().toString());
        if (e.datacontenttype() != null) n.put("datacontenttype", e.datacontenttype());
        if (e.dataschema() != null) n.put("dataschema", e.dataschema());
        if (e.traceparent() != null) n.put("traceparent", e.traceparent());
        e.extensions().forEach((k, v) -> n.set(k, MAPPER.valueToTree(v)));
        n.set("data", Json.mapper().valueToTree(e.data()));
        return n;
    }

    /** The event as a CloudEvents SDK object (for SDK-based transports); data is the JSON bytes. */
    public CloudEvent toCloudEvent(CallEvent e) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(e.id())
                .withSource(URI.create(e.source()))
                .withType(e.type().wireName())
                .withDataContentType(e.datacontenttype() != null ? e.datacontenttype() : CallEvent.DATA_CONTENT_TYPE)
                .withData(write(Json.mapper().valueToTree(e.data())));
        if (e.subject() != null) b.withSubject(e.subject());
        if (e.time() != null) b.withTime(e.time().atOffset(ZoneOffset.UTC));
        if (e.dataschema() != null) b.withDataSchema(URI.create(e.dataschema()));
        if (e.traceparent() != null) b.withExtension("traceparent", e.traceparent());
        e.extensions().forEach((k, v) -> {
            if (v instanceof Boolean bool) b.withExtension(k, bool);
            else if (v instanceof Integer i) b.withExtension(k, i);
            else b.withExtension(k, String.valueOf(v));
        });
        return b.build();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static String decode(byte[] body, int maxBytes, String what) {
        if (body == null || body.length == 0) throw ValidationException.malformed("the body is empty");
        if (body.length > maxBytes) {
            throw ValidationException.tooLarge(what + " may be at most " + maxBytes + " bytes; got " + body.length);
        }
        int offset =
                body.length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF
                        ? 3
                        : 0; // RFC 8259 §8.1: a parser MAY ignore a BOM
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body, offset, body.length - offset);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        if (r.isError()) {
            throw ValidationException.malformed("the body is not valid UTF-8 (byte offset " + in.position() + ")");
        }
        return out.flip().toString();
    }

    private static JsonNode readSingle(String text) {
        try (JsonParser p = MAPPER.createParser(text)) {
            JsonNode n = ELEMENT_READER.readTree(p);
            if (n == null || n.isMissingNode()) throw ValidationException.malformed("the body is empty");
            if (p.nextToken() != null) throw ValidationException.malformed("unexpected content after the JSON value");
            return n;
        } catch (IOException e) {
            throw jsonError(e);
        }
    }

    static ValidationException jsonError(IOException e) {
        if (e instanceof StreamConstraintsException) {
            return ValidationException.malformed("the JSON exceeds a parser limit (nesting depth "
                    + Json.MAX_NESTING_DEPTH + ", number or string length): " + printable(e.getMessage()));
        }
        if (e instanceof JsonProcessingException jpe) {
            var loc = jpe.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            return ValidationException.malformed("not valid JSON" + where + ": " + printable(jpe.getOriginalMessage()));
        }
        return ValidationException.malformed("not valid JSON");
    }

    private static void throwIfAny(List<FieldError> errors, String detail) {
        if (errors.isEmpty()) return;
        List<FieldError> shown = errors.size() > MAX_REPORTED_ERRORS ? errors.subList(0, MAX_REPORTED_ERRORS) : errors;
        String suffix = errors.size() > MAX_REPORTED_ERRORS
                ? " (" + errors.size() + " errors, first " + MAX_REPORTED_ERRORS + " listed)"
                : "";
        throw ValidationException.invalid(detail + suffix, shown);
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree is always serialisable", e);
        }
    }

    private static JsonNode readTreeUnchecked(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int utf8Length(String s, int start, int end) {
        int n = 0;
        for (int i = Math.max(0, start); i < Math.min(end, s.length()); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    /** Echoing client input in an error: bounded and without control characters. */
    static String printable(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return s.length() > 200 ? sb.append('…').toString() : sb.toString();
    }

    static String specVersion() {
        return SPEC;
    }
}
