package io.cifpipe.model.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cifpipe.model.Examples;
import io.cifpipe.model.validation.FieldError;
import io.cifpipe.model.validation.ProblemType;
import io.cifpipe.model.validation.ValidationException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallEventCodecTest {
    private final CallEventCodec codec = new CallEventCodec();

    private ValidationException fail(String body, String contentType) {
        return catchThrowableOfType(
                ValidationException.class, () -> codec.parse(body.getBytes(StandardCharsets.UTF_8), contentType));
    }

    private static String event(String dataJson) {
        return "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/pbx\",\"type\":\"call.offered\",\"data\":"
                + dataJson + "}";
    }

    @Test
    void parsesTheOfferedExampleIntoTypedRecords() {
        List<CallEvent> events = codec.parse(Examples.bytes("call-offered.json"), CallEventCodec.MEDIA_TYPE);
        assertThat(events).hasSize(1);
        CallEvent e = events.get(0);
        assertThat(e.id()).isEqualTo("evt-7f3c2a10-offered");
        assertThat(e.type()).isEqualTo(CallEventType.OFFERED);
        assertThat(e.time()).isEqualTo(Instant.parse("2025-01-31T09:30:00.125Z"));
        assertThat(e.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(e.callId()).isEqualTo("call-20250131-0001");
        assertThat(e.agentId()).isEqualTo("6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e5f");
        CallOffered o = e.offered();
        assertThat(o.callerNumber()).isEqualTo("+4930123456789");
        assertThat(o.customerContext()).containsEntry("tier", "Gold").hasSize(3);
        assertThat(o.ringSeconds()).isEqualTo(30);
    }

    @Test
    void parsesAnsweredEndedAndBatchExamples() {
        CallEvent answered = codec.parseEvent(Examples.bytes("call-answered.json"));
        assertThat(answered.data())
                .isEqualTo(new CallAnswered("call-20250131-0001", "6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e5f"));
        assertThat(answered.time()).isEqualTo(Instant.parse("2025-01-31T08:30:07Z"));

        CallEvent ended = codec.parseEvent(Examples.bytes("call-ended.json"));
        assertThat(ended.data()).isEqualTo(new CallEnded("call-20250131-0001", null, "abandoned"));
        assertThat(ended.agentId()).isNull();
        assertThat(ended.extensions()).containsEntry("siteid", "berlin-1");

        List<CallEvent> batch =
                codec.parse(Examples.bytes("call-batch.json"), "Application/CloudEvents-Batch+JSON; charset=UTF-8");
        assertThat(batch).extracting(CallEvent::id).containsExactly("evt-b-1", "evt-b-2", "evt-b-3");
        assertThat(batch)
                .extracting(CallEvent::type)
                .containsExactly(CallEventType.OFFERED, CallEventType.OFFERED, CallEventType.ENDED);
    }

    @Test
    void everyInvalidExampleIsRejectedWithItsStatusAndPointer() {
        var expected = Examples.json("invalid/expected.json");
        int checked = 0;
        for (var it = expected.fields(); it.hasNext(); ) {
            var entry = it.next();
            if (entry.getKey().startsWith("_")
                    || !entry.getValue().get("schema").asText().equals("call-event")) continue;
            ValidationException ex = catchThrowableOfType(
                    ValidationException.class, () -> codec.parseEvent(Examples.bytes("invalid/" + entry.getKey())));
            assertThat(ex).as(entry.getKey()).isNotNull();
            assertThat(ex.status())
                    .as(entry.getKey())
                    .isEqualTo(entry.getValue().get("status").asInt());
            assertThat(ex.errors())
                    .as(entry.getKey())
                    .extracting(FieldError::pointer)
                    .contains(entry.getValue().get("pointer").asText());
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    @Test
    void unknownTypeMessageListsTheKnownTypes() {
        ValidationException ex = catchThrowableOfType(
                ValidationException.class, () -> codec.parseEvent(Examples.bytes("invalid/unknown-type.json")));
        assertThat(ex.errors()).singleElement().satisfies(e -> {
            assertThat(e.pointer()).isEqualTo("/type");
            assertThat(e.message()).contains("'call.ringing'", "call.offered, call.answered, call.ended");
        });
        assertThat(ex.problem().type()).isEqualTo(ProblemType.INVALID_FIELDS.uri());
        assertThat(ex.problem().toJson()).contains("\"status\":422", "\"pointer\":\"/type\"");
    }

    @Test
    void reportsEveryFieldErrorAtOnce() {
        ValidationException ex = fail(
                "{\"specversion\":\"1.0\",\"id\":\"\",\"source\":\"\",\"type\":\"call.offered\","
                        + "\"time\":\"2025-13-45T99:00:00Z\",\"data\":{\"callId\":\"a/b\",\"agentId\":7,"
                        + "\"callerNumber\":\"+123456789012345678\",\"ringSeconds\":0,\"customerContext\":{\"k\":1}}}",
                CallEventCodec.MEDIA_TYPE);
        assertThat(ex.status()).isEqualTo(422);
        assertThat(ex.errors())
                .extracting(FieldError::pointer)
                .contains(
                        "/id",
                        "/source",
                        "/time",
                        "/data/callId",
                        "/data/agentId",
                        "/data/callerNumber",
                        "/data/ringSeconds",
                        "/data/customerContext/k");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "+0123", "+49 30 123", "+4930123456789012", "+49-30-12"})
    void numbersClaimingE164MustBeE164(String number) {
        ValidationException ex = fail(
                event("{\"callId\":\"c\",\"agentId\":\"a\",\"calledNumber\":\"" + number + "\"}"),
                CallEventCodec.MEDIA_TYPE);
        assertThat(ex.errors()).extracting(FieldError::pointer).containsExactly("/data/calledNumber");
    }

    @ParameterizedTest
    @ValueSource(strings = {"anonymous", "4711", "sip:alice@example.com", "+4930123456789"})
    void dialStringsAndE164NumbersAreAccepted(String number) {
        CallEvent e = codec.parseEvent(event("{\"callId\":\"c\",\"agentId\":\"a\",\"callerNumber\":\"" + number + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(e.offered().callerNumber()).isEqualTo(number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "a#b", "a?b", "a~b", "-a", "a\\u0000", "a\\r\\nX-Injected: 1", "ä"})
    void idsOutsideTheSafeCharsetAreRejected(String id) {
        ValidationException ex =
                fail(event("{\"callId\":\"" + id + "\",\"agentId\":\"a\"}"), CallEventCodec.MEDIA_TYPE);
        assertThat(ex.errors()).extracting(FieldError::pointer).containsExactly("/data/callId");
    }

    @Test
    void idsLongerThan128AreRejected() {
        assertThat(fail(event("{\"callId\":\"" + "x".repeat(129) + "\",\"agentId\":\"a\"}"), CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::message)
                .containsExactly("must be at most 128 characters");
        assertThat(codec.parseEvent(event("{\"callId\":\"" + "x".repeat(128) + "\",\"agentId\":\"a\"}")
                                .getBytes(StandardCharsets.UTF_8))
                        .callId())
                .hasSize(128);
    }

    @Test
    void contentTypeIsChecked() {
        String body = Examples.text("call-offered.json");
        assertThat(fail(body, null).status()).isEqualTo(415);
        assertThat(fail(body, "text/plain").status()).isEqualTo(415);
        assertThat(fail(body, "application/cloudevents+json; charset=iso-8859-1")
                        .status())
                .isEqualTo(415);
        assertThat(fail(body, ";").status()).isEqualTo(415); // split(";") of only separators is empty
        assertThat(fail(body, ";;").status()).isEqualTo(415);
        ValidationException binary = fail(body, "application/json");
        assertThat(binary.status()).isEqualTo(415);
        assertThat(binary.problem().detail()).contains("binary content mode", CallEventCodec.MEDIA_TYPE);
        assertThat(codec.parse(body.getBytes(StandardCharsets.UTF_8), "application/cloudevents+json;charset=\"utf-8\""))
                .hasSize(1);
    }

    @Test
    void shapeErrorsAre400() {
        assertThat(fail("[" + Examples.text("call-offered.json") + "]", CallEventCodec.MEDIA_TYPE)
                        .status())
                .isEqualTo(400);
        assertThat(fail(Examples.text("call-offered.json"), CallEventCodec.BATCH_MEDIA_TYPE)
                        .status())
                .isEqualTo(400);
        assertThat(fail("[1]", CallEventCodec.BATCH_MEDIA_TYPE).errors())
                .extracting(FieldError::pointer)
                .containsExactly("/0");
        assertThat(fail("\"x\"", CallEventCodec.MEDIA_TYPE).status()).isEqualTo(400);
        assertThat(fail("", CallEventCodec.MEDIA_TYPE).status()).isEqualTo(400);
        assertThat(fail("   ", CallEventCodec.MEDIA_TYPE).status()).isEqualTo(400);
    }

    @Test
    void malformedJsonIs400WithLocation() {
        ValidationException ex = fail("{\"specversion\":\"1.0\",", CallEventCodec.MEDIA_TYPE);
        assertThat(ex.status()).isEqualTo(400);
        assertThat(ex.problem().type()).isEqualTo(ProblemType.MALFORMED_JSON.uri());
        assertThat(ex.problem().detail()).contains("line 1");
        assertThat(fail(Examples.text("call-offered.json") + " {}", CallEventCodec.MEDIA_TYPE)
                        .status())
                .isEqualTo(400);
        assertThat(fail("{\"id\":\"a\",\"id\":\"b\"}", CallEventCodec.MEDIA_TYPE)
                        .problem()
                        .detail())
                .contains("Duplicate field 'id'");
    }

    @Test
    void deeplyNestedJsonIs400NotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(fail(deep, CallEventCodec.BATCH_MEDIA_TYPE).status()).isEqualTo(400);
        String deepObject = event("{\"callId\":\"c\",\"agentId\":\"a\",\"customerContext\":" + "{\"a\":".repeat(5000)
                + "1" + "}".repeat(5000) + "}");
        ValidationException ex = fail(deepObject, CallEventCodec.MEDIA_TYPE);
        assertThat(ex.status()).isEqualTo(400);
        assertThat(ex.problem().detail()).contains("nesting depth");
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = Examples.bytes("call-offered.json");
        byte[] broken = body.clone();
        int i = new String(body, StandardCharsets.UTF_8).indexOf("Erika");
        broken[i] = (byte) 0xC3; // start of a 2-byte sequence followed by ASCII
        ValidationException ex =
                catchThrowableOfType(ValidationException.class, () -> codec.parse(broken, CallEventCodec.MEDIA_TYPE));
        assertThat(ex.status()).isEqualTo(400);
        assertThat(ex.problem().detail()).contains("UTF-8", "byte offset " + i);
        byte[] utf16 = Examples.text("call-offered.json").getBytes(StandardCharsets.UTF_16);
        assertThat(catchThrowableOfType(ValidationException.class, () -> codec.parse(utf16, CallEventCodec.MEDIA_TYPE))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void utf8ByteOrderMarkIsIgnored() {
        byte[] body = Examples.bytes("call-offered.json");
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertThat(codec.parseEvent(withBom)).isEqualTo(codec.parseEvent(body));
    }

    @Test
    void sizeLimitsAre413() {
        String big = event("{\"callId\":\"c\",\"agentId\":\"a\",\"callerName\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(fail(big, CallEventCodec.MEDIA_TYPE).status()).isEqualTo(413);
        assertThat(fail("[" + big + "]", CallEventCodec.BATCH_MEDIA_TYPE).status())
                .isEqualTo(413);

        String one = event("{\"callId\":\"c\",\"agentId\":\"a\"}");
        String hundredAndOne = "[" + String.join(",", java.util.Collections.nCopies(101, one)) + "]";
        ValidationException tooMany = fail(hundredAndOne, CallEventCodec.BATCH_MEDIA_TYPE);
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.problem().detail()).contains("at most 100 events");

        String mib = "[" + " ".repeat(1024 * 1024) + "]";
        assertThat(fail(mib, CallEventCodec.BATCH_MEDIA_TYPE).status()).isEqualTo(413);
    }

    @Test
    void customerContextLimits() {
        assertThat(fail(
                                event("{\"callId\":\"c\",\"agentId\":\"a\",\"customerContext\":{\"" + "k".repeat(65)
                                        + "\":\"v\"}}"),
                                CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/data/customerContext/" + "k".repeat(65));
        assertThat(fail(
                                event("{\"callId\":\"c\",\"agentId\":\"a\",\"customerContext\":{\"k\":\""
                                        + "v".repeat(1025) + "\"}}"),
                                CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/data/customerContext/k");
        assertThat(fail(
                                event(
                                        "{\"callId\":\"c\",\"agentId\":\"a\",\"customerContext\":{\"a/b~c\":\"x\\u0007\"}}"),
                                CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/data/customerContext/a~1b~0c");
    }

    @Test
    void batchIsAllOrNothingWithIndexedPointersAndUniqueIds() {
        String ok = event("{\"callId\":\"c\",\"agentId\":\"a\"}");
        String bad = ok.replace("\"a\"}", "\"a\",\"ringSeconds\":\"30\"}").replace("\"e1\"", "\"e2\"");
        ValidationException ex = fail("[" + ok + "," + bad + "," + ok + "]", CallEventCodec.BATCH_MEDIA_TYPE);
        assertThat(ex.status()).isEqualTo(422);
        assertThat(ex.errors()).extracting(FieldError::pointer).containsExactly("/1/data/ringSeconds", "/2/id");
        assertThat(ex.errors().get(1).message()).contains("duplicates the id of /0");
        assertThat(fail("[]", CallEventCodec.BATCH_MEDIA_TYPE).status()).isEqualTo(422);
    }

    @Test
    void agentIdIsRequiredOnlyWhenOffered() {
        assertThat(fail(event("{\"callId\":\"c\"}"), CallEventCodec.MEDIA_TYPE).errors())
                .extracting(FieldError::pointer)
                .containsExactly("/data/agentId");
        String answered = event("{\"callId\":\"c\"}").replace("call.offered", "call.answered");
        assertThat(codec.parseEvent(answered.getBytes(StandardCharsets.UTF_8)).agentId())
                .isNull();
        assertThat(fail(answered.replace("\"c\"}", "\"c\",\"queue\":\"q\"}"), CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/data/queue");
    }

    @Test
    void cloudEventsAttributeRules() {
        assertThat(fail(
                                event("{\"callId\":\"c\",\"agentId\":\"a\"}")
                                        .replace("\"data\":", "\"data_base64\":\"eA==\",\"data\":"),
                                CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/data_base64");
        assertThat(fail(
                                event("{\"callId\":\"c\",\"agentId\":\"a\"}")
                                        .replace("\"data\":", "\"datacontenttype\":\"text/xml\",\"data\":"),
                                CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/datacontenttype");
        assertThat(fail(
                                event("{\"callId\":\"c\",\"agentId\":\"a\"}")
                                        .replace("\"data\":", "\"ext\":{\"x\":1},\"data\":"),
                                CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/ext");
        assertThat(fail(
                                event("{\"callId\":\"c\",\"agentId\":\"a\"}")
                                        .replace("\"source\":\"/pbx\"", "\"source\":\"a b\""),
                                CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/source");
        assertThat(fail(
                                event("{\"callId\":\"c\",\"agentId\":\"a\"}")
                                        .replace("\"data\":", "\"dataschema\":\"rel/x\",\"data\":"),
                                CallEventCodec.MEDIA_TYPE)
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/dataschema");
        assertThat(fail("{\"data\":{}}", CallEventCodec.MEDIA_TYPE).errors())
                .extracting(FieldError::pointer)
                .contains("/id", "/source", "/specversion", "/type");
    }

    @Test
    void encodeRoundTripsAndRefusesInvalidEvents() {
        CallEvent e = codec.parseEvent(Examples.bytes("call-offered.json"));
        assertThat(codec.parseEvent(codec.encode(e))).isEqualTo(e);
        List<CallEvent> batch = codec.parseBatch(Examples.bytes("call-batch.json"));
        assertThat(codec.parseBatch(codec.encodeBatch(batch))).isEqualTo(batch);

        CallEvent invalid = CallEvent.of("bad id", "/pbx", Instant.now(), CallOffered.of("c", "a"));
        assertThatThrownBy(() -> codec.encode(invalid))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("/id");
    }

    @Test
    void theCloudEventsSdkReadsWhatWeWriteAndWeReadWhatItWrites() {
        EventFormat sdk = new JsonFormat();
        CallEvent e = codec.parseEvent(Examples.bytes("call-offered.json"));
        CloudEvent read = sdk.deserialize(codec.encode(e));
        assertThat(read.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(read.getId()).isEqualTo(e.id());
        assertThat(read.getType()).isEqualTo("call.offered");
        assertThat(read.getSource().toString()).isEqualTo(e.source());
        assertThat(read.getTime().toInstant()).isEqualTo(e.time());
        assertThat(read.getExtension("traceparent")).isEqualTo(e.traceparent());

        CallEvent ended = codec.parseEvent(Examples.bytes("call-ended.json"));
        for (CallEvent x : List.of(e, ended)) {
            byte[] written = sdk.serialize(codec.toCloudEvent(x));
            assertThat(codec.parseEvent(written))
                    .isEqualTo(
                            x.datacontenttype() == null
                                    ? new CallEvent(
                                            x.id(),
                                            x.source(),
                                            x.specversion(),
                                            x.type(),
                                            x.time(),
                                            x.subject(),
                                            CallEvent.DATA_CONTENT_TYPE,
                                            x.dataschema(),
                                            x.traceparent(),
                                            x.extensions(),
                                            x.data())
                                    : x);
        }
    }

    @Test
    void plainJacksonUsesTheSameWireFormat() throws Exception {
        CallEvent e = codec.parseEvent(Examples.bytes("call-offered.json"));
        var mapper = io.cifpipe.model.json.Json.mapper();
        assertThat(mapper.writeValueAsString(e)).isEqualTo(new String(codec.encode(e), StandardCharsets.UTF_8));
        assertThat(mapper.readValue(codec.encode(e), CallEvent.class)).isEqualTo(e);
        assertThatThrownBy(() -> mapper.readValue(Examples.bytes("invalid/bad-e164.json"), CallEvent.class))
                .hasRootCauseInstanceOf(ValidationException.class);
    }

    @Test
    void recordConstructorRejectsTypeDataMismatch() {
        assertThatThrownBy(() -> new CallEvent(
                        "e",
                        "/s",
                        "1.0",
                        CallEventType.ENDED,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Map.of(),
                        CallOffered.of("c", "a")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
