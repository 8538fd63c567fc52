package io.cifpipe.model.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The shared, configured Jackson mapper: java.time as ISO-8601 strings, nulls omitted, unknown
 * properties tolerated (contracts may grow). Untrusted input (call events, decisions) goes through
 * {@link #strictMapper()}, which additionally bounds nesting/size and rejects duplicate keys.
 */
public final class Json {
    /** Deep enough for every contract here; deeper input is rejected before it can hurt a parser. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** No single string in our contracts comes close; bounds memory per token. */
    public static final int MAX_STRING_LENGTH = 1024 * 1024;

    private static final ObjectMapper MAPPER =
            configure(JsonMapper.builder(new JsonFactory())).build();

    private static final ObjectMapper STRICT = configure(JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNumberLength(64)
                            .build())
                    .build()))
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    /** Mapper for our own, trusted payloads (outcomes, notifications, problem details). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Mapper for untrusted input: nesting/size bounds, duplicate keys and trailing garbage rejected. */
    public static ObjectMapper strictMapper() {
        return STRICT;
    }

    private static JsonMapper.Builder configure(JsonMapper.Builder b) {
        return b.addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .serializationInclusion(JsonInclude.Include.NON_NULL);
    }
}
