package io.cifpipe.emulator.signalr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The module's Jackson mapper and small helpers for the hub protocol's JSON records. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** The SignalR text-format record separator. */
    static final char RS = '\u001e';

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String record(Object node) {
        return write(node) + RS;
    }
}
