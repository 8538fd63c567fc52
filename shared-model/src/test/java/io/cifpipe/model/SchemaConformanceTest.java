package io.cifpipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.ValidationMessage;
import io.cifpipe.model.event.CallEventCodec;
import io.cifpipe.model.outcome.Outcome;
import io.cifpipe.model.validation.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The published schemas and the codec agree on every example: valid ones pass both, invalid ones fail both. */
class SchemaConformanceTest {
    private final CallEventCodec codec = new CallEventCodec();

    @ParameterizedTest
    @ValueSource(strings = {"call-offered.json", "call-offered-minimal.json", "call-answered.json", "call-ended.json"})
    void validEventExamplesPassSchemaAndCodec(String file) {
        assertThat(Examples.validate("call-event", Examples.text(file))).isEmpty();
        assertThat(codec.parse(Examples.bytes(file), CallEventCodec.MEDIA_TYPE)).hasSize(1);
    }

    @Test
    void validBatchExamplePassesSchemaAndCodec() {
        assertThat(Examples.validate("call-event-batch", Examples.text("call-batch.json")))
                .isEmpty();
        assertThat(codec.parse(Examples.bytes("call-batch.json"), CallEventCodec.BATCH_MEDIA_TYPE))
                .hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "outcome-accepted.json",
                "outcome-undeliverable.json",
                "outcome-unavailable.json",
                "outcome-withdrawn-taken.json"
            })
    void validOutcomeExamplesPassSchemaAndParser(String file) {
        assertThat(Examples.validate("outcome", Examples.text(file))).isEmpty();
        Outcome o = Outcome.fromJson(Examples.bytes(file));
        assertThat(Examples.validate("outcome", new String(o.toJson()))).isEmpty();
    }

    @Test
    void everyInvalidExampleFailsBothSchemaAndCode() throws IOException {
        var expected = Examples.json("invalid/expected.json");
        List<String> files;
        try (Stream<java.nio.file.Path> s = Files.list(Examples.DIR.resolve("invalid"))) {
            files = s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("expected.json"))
                    .sorted()
                    .toList();
        }
        assertThat(files).as("every invalid example is listed in expected.json").allMatch(f -> expected.has(f));
        List<String> problems = new ArrayList<>();
        for (String f : files) {
            String schema = expected.get(f).get("schema").asText();
            Set<ValidationMessage> messages = Examples.validate(schema, Examples.text("invalid/" + f));
            if (messages.isEmpty()) problems.add(f + " passes schema " + schema);
            try {
                if (schema.equals("outcome")) Outcome.fromJson(Examples.bytes("invalid/" + f));
                else codec.parseEvent(Examples.bytes("invalid/" + f));
                problems.add(f + " passes the code");
            } catch (ValidationException expectedFailure) {
                // both reject: good
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theSchemaCatchesWhatTheCodecCatchesForTypicalMistakes() {
        String ok = Examples.text("call-offered-minimal.json");
        for (String bad : List.of(
                ok.replace("\"1.0\"", "\"1.1\""),
                ok.replace("\"c1\"", "\"c 1\""),
                ok.replace("\"anonymous\"", "\"+012\""),
                ok.replace("\"agent-1\"", "\"agent-1\", \"x\": 1"),
                ok.replace("\"specversion\"", "\"Spec_Version\""))) {
            assertThat(Examples.validate("call-event", bad)).as(bad).isNotEmpty();
            assertThatThrownBy(() -> codec.parseEvent(bad.getBytes())).as(bad).isInstanceOf(ValidationException.class);
        }
    }

    @Test
    void encodedEventsValidateAgainstTheSchema() {
        for (String f : List.of("call-offered.json", "call-answered.json", "call-ended.json")) {
            byte[] encoded = codec.encode(codec.parseEvent(Examples.bytes(f)));
            assertThat(Examples.validate("call-event", new String(encoded)))
                    .as(f)
                    .isEmpty();
        }
    }
}
