package io.cifpipe.model.notification;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** The agent's answer to a notification; JSON "accept" / "reject". */
public enum DecisionType {
    ACCEPT("accept"),
    REJECT("reject");

    private final String wireName;

    DecisionType(String wireName) { this.wireName = wireName; }

    @JsonValue
    public String wireName() { return wireName; }

    public static Optional<DecisionType> fromWireName(String s) {
        return Arrays.stream(values()).filter(d -> d.wireName.equals(s)).findFirst();
    }
}
