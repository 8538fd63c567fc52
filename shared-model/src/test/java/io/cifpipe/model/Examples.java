package io.cifpipe.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Test helper: the example payloads under {@code shared-model/examples/} and the published schemas. */
public final class Examples {
    public static final Path DIR = Path.of("examples");
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix("https://cifpipe.io/schemas/", "classpath:schemas/")));
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private Examples() {}

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(DIR.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String relative) {
        return new String(bytes(relative), StandardCharsets.UTF_8);
    }

    public static JsonNode json(String relative) {
        try {
            return new ObjectMapper().readTree(bytes(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code call-event}, {@code call-event-batch} or {@code outcome}. */
    public static JsonSchema schema(String name) {
        return FACTORY.getSchema(SchemaLocation.of("https://cifpipe.io/schemas/" + name + ".schema.json"), CONFIG);
    }

    public static Set<ValidationMessage> validate(String schemaName, String json) {
        return schema(schemaName).validate(json, InputFormat.JSON);
    }
}
