package io.cifpipe.model.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.validation.ValidationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Property-based checks of the codec: valid events round-trip; arbitrary input only ever yields ValidationException. */
class CallEventPropertiesTest {
    private static final CallEventCodec CODEC = new CallEventCodec();
    private static final Set<String> RESERVED = Set.of(
            "id",
            "source",
            "specversion",
            "type",
            "time",
            "subject",
            "datacontenttype",
            "dataschema",
            "data",
            "traceparent");

    // ---- generators of valid events ------------------------------------------------------------

    static Arbitrary<String> ids() {
        Arbitrary<Character> first = Arbitraries.chars().alpha().numeric();
        Arbitrary<String> rest =
                Arbitraries.strings().alpha().numeric().withChars("._:@+=-").ofMaxLength(60);
        return Combinators.combine(first, rest).as((f, r) -> f + r);
    }

    static Arbitrary<String> text(int max) {
        return Arbitraries.strings()
                .withCharRange(' ', '~')
                .withCharRange('\u00a0', '\u2027')
                .withCharRange('\u202a', '\ud7ff')
                .ofMaxLength(max);
    }

    static Arbitrary<String> phoneNumbers() {
        Arbitrary<String> e164 = Combinators.combine(
                        Arbitraries.integers().between(1, 9),
                        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(14))
                .as((c, n) -> "+" + c + n);
        Arbitrary<String> dial = Combinators.combine(Arbitraries.chars().alpha().numeric(), text(40))
                .as((c, t) -> c + t);
        return Arbitraries.oneOf(e164, dial, Arbitraries.just("anonymous"));
    }

    static Arbitrary<Map<String, String>> contexts() {
        Arbitrary<String> keys =
                Combinators.combine(Arbitraries.chars().alpha(), text(30)).as((c, t) -> c + t);
        return Arbitraries.maps(keys, text(200)).ofMaxSize(6);
    }

    static Arbitrary<CallEventData> data() {
        Arbitrary<CallEventData> offered = Combinators.combine(
                        ids(),
                        ids(),
                        phoneNumbers().injectNull(0.3),
                        text(60).injectNull(0.3),
                        phoneNumbers().injectNull(0.3),
                        text(40).injectNull(0.3),
                        contexts(),
                        Arbitraries.integers().between(1, 300).injectNull(0.3))
                .as(CallOffered::new);
        Arbitrary<CallEventData> answered =
                Combinators.combine(ids(), ids().injectNull(0.5)).as(CallAnswered::new);
        Arbitrary<CallEventData> ended = Combinators.combine(
                        ids(), ids().injectNull(0.5), text(100).injectNull(0.5))
                .as(CallEnded::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, offered),
                net.jqwik.api.Tuple.of(1, answered),
                net.jqwik.api.Tuple.of(1, ended));
    }

    static Arbitrary<String> traceparents() {
        Arbitrary<String> hex32 =
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(31).map(s -> "1" + s);
        Arbitrary<String> hex16 =
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(15).map(s -> "a" + s);
        return Combinators.combine(hex32, hex16, Arbitraries.of("00", "01"))
                .as((t, p, f) -> "00-" + t + "-" + p + "-" + f);
    }

    static Arbitrary<Map<String, Object>> extensions() {
        Arbitrary<String> names = Arbitraries.strings()
                .withCharRange('a', 'z')
                .numeric()
                .ofMinLength(1)
                .ofMaxLength(20)
                .filter(n -> !RESERVED.contains(n));
        Arbitrary<Object> values = Arbitraries.oneOf(
                text(50).map(s -> (Object) s),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.integers().map(i -> (Object) i));
        return Arbitraries.maps(names, values).ofMaxSize(3);
    }

    @Provide
    static Arbitrary<CallEvent> events() {
        Arbitrary<Instant> times = Arbitraries.longs()
                .between(0, 4_102_444_800L)
                .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)));
        Arbitrary<String> sources = Arbitraries.of("/pbx", "urn:pbx:lab", "https://pbx.example.com/site/1", "/a/b?c=d");
        return Combinators.combine(
                        ids(),
                        sources,
                        times.injectNull(0.2),
                        text(50).injectNull(0.5),
                        Arbitraries.of("application/json").injectNull(0.5),
                        traceparents().injectNull(0.5),
                        extensions(),
                        data())
                .as((id, src, time, subject, dct, tp, ext, data) ->
                        new CallEvent(id, src, "1.0", data.type(), time, subject, dct, null, tp, ext, data));
    }

    // ---- properties ----------------------------------------------------------------------------

    @Property(tries = 300)
    void anyValidEventRoundTrips(@ForAll("events") CallEvent event) {
        byte[] encoded = CODEC.encode(event);
        assertThat(CODEC.parse(encoded, CallEventCodec.MEDIA_TYPE)).containsExactly(event);
    }

    @Property(tries = 50)
    void anyValidBatchRoundTrips(
            @ForAll @Size(min = 1, max = 10) List<@net.jqwik.api.From("events") CallEvent> events) {
        List<CallEvent> unique = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            CallEvent e = events.get(i);
            unique.add(new CallEvent(
                    e.id() + "-" + i,
                    e.source(),
                    e.specversion(),
                    e.type(),
                    e.time(),
                    e.subject(),
                    e.datacontenttype(),
                    e.dataschema(),
                    e.traceparent(),
                    e.extensions(),
                    e.data()));
        }
        assertThat(CODEC.parse(CODEC.encodeBatch(unique), CallEventCodec.BATCH_MEDIA_TYPE))
                .isEqualTo(unique);
    }

    @Property(tries = 400)
    void arbitraryBytesOnlyEverFailWithValidationException(
            @ForAll @Size(max = 400) byte[] body, @ForAll boolean batch) {
        parseExpectingOnlyValidationFailures(body, batch);
    }

    @Property(tries = 300)
    void mutatedEventsOnlyEverFailWithValidationException(
            @ForAll("events") CallEvent event, @ForAll("mutations") List<Mutation> mutations) {
        ObjectNode node = CODEC.toJsonNode(event);
        for (Mutation m : mutations) m.apply(node);
        byte[] body = node.toString().getBytes(StandardCharsets.UTF_8);
        List<CallEvent> parsed = parseExpectingOnlyValidationFailures(body, false);
        if (parsed != null) {
            // whatever the codec accepts it can write back and read again unchanged
            assertThat(CODEC.parseEvent(CODEC.encode(parsed.get(0)))).isEqualTo(parsed.get(0));
        }
    }

    @Property(tries = 200)
    void textMutationsOfValidJsonOnlyEverFailWithValidationException(
            @ForAll("events") CallEvent event, @ForAll int position, @ForAll char inserted, @ForAll boolean delete) {
        String json = new String(CODEC.encode(event), StandardCharsets.UTF_8);
        int at = Math.floorMod(position, json.length());
        String mutated = delete
                ? json.substring(0, at) + json.substring(at + 1)
                : json.substring(0, at) + inserted + json.substring(at);
        parseExpectingOnlyValidationFailures(mutated.getBytes(StandardCharsets.UTF_8), false);
    }

    private static List<CallEvent> parseExpectingOnlyValidationFailures(byte[] body, boolean batch) {
        try {
            return CODEC.parse(body, batch ? CallEventCodec.BATCH_MEDIA_TYPE : CallEventCodec.MEDIA_TYPE);
        } catch (ValidationException e) {
            assertThat(e.status()).isIn(400, 413, 422);
            assertThat(e.problem().toJson()).contains("\"status\":" + e.status());
            return null;
        }
    }

    // ---- mutations of a valid event tree ------------------------------------------------------

    record Mutation(List<String> path, JsonNode value) {
        void apply(ObjectNode root) {
            ObjectNode target = root;
            for (int i = 0; i < path.size() - 1; i++) {
                JsonNode next = target.get(path.get(i));
                if (next == null || !next.isObject()) return;
                target = (ObjectNode) next;
            }
            String last = path.get(path.size() - 1);
            if (value == null) target.remove(last);
            else target.set(last, value);
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<List<String>> paths = Arbitraries.oneOf(
                Arbitraries.of(
                                "id",
                                "source",
                                "specversion",
                                "type",
                                "time",
                                "subject",
                                "datacontenttype",
                                "dataschema",
                                "traceparent",
                                "data",
                                "data_base64",
                                "x",
                                "Bad-Name")
                        .map(List::of),
                Arbitraries.of(
                                "callId",
                                "agentId",
                                "callerNumber",
                                "callerName",
                                "calledNumber",
                                "queue",
                                "customerContext",
                                "ringSeconds",
                                "reason",
                                "other")
                        .map(f -> List.of("data", f)),
                text(70).map(k -> List.of("data", "customerContext", k)));
        JsonNodeFactory f = Json.mapper().getNodeFactory();
        Arbitrary<JsonNode> values = Arbitraries.oneOf(
                Arbitraries.just(f.nullNode()),
                Arbitraries.strings().ofMaxLength(300).map(f::textNode),
                Arbitraries.of(
                                "call.offered",
                                "call.ended",
                                "1.0",
                                "+4930123",
                                "+0",
                                "2025-01-01T00:00:00Z",
                                "2025-02-30T00:00:00Z",
                                "",
                                " ")
                        .map(f::textNode),
                Arbitraries.integers().map(f::numberNode),
                Arbitraries.longs().map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.of(true, false).map(f::booleanNode),
                Arbitraries.integers().between(0, 40).map(n -> {
                    ObjectNode o = f.objectNode();
                    for (int i = 0; i < n; i++) o.put("k" + i, i % 2 == 0 ? "v" : null);
                    return o;
                }),
                Arbitraries.integers().between(0, 3).map(n -> {
                    var a = f.arrayNode();
                    for (int i = 0; i < n; i++) a.add(i);
                    return a;
                }));
        Arbitrary<Mutation> one =
                Combinators.combine(paths, values.injectNull(0.2)).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }
}
