package io.cifpipe.model.event;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The CloudEvents {@code type} values we accept. */
public enum CallEventType {
    OFFERED("call.offered"),
    ANSWERED("call.answered"),
    ENDED("call.ended");

    private final String wireName;

    CallEventType(String wireName) {
        this.wireName = wireName;
    }

    /** The CloudEvents {@code type} string, e.g. {@code call.offered}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<CallEventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** "call.offered, call.answered, call.ended" — for error messages. */
    public static String knownNames() {
        return Arrays.stream(values()).map(CallEventType::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
