package io.cifpipe.model.notification;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * The agent's answer to a notification; JSON "accept" / "reject" / "overflow". {@code overflow} is the client's, not
 * the agent's: it could not show the call (too many at once), so the offer ends {@code Unavailable} reason
 * {@code overflow} and telephony routes it elsewhere — never {@code Rejected}.
 */
public enum DecisionType {
    ACCEPT("accept"),
    REJECT("reject"),
    OVERFLOW("overflow");

    private final String wireName;

    DecisionType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<DecisionType> fromWireName(String s) {
        return Arrays.stream(values()).filter(d -> d.wireName.equals(s)).findFirst();
    }
}
