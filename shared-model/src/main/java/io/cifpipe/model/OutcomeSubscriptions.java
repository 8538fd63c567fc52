package io.cifpipe.model;

import io.cifpipe.model.outcome.OutcomeType;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The subscriptions of the {@code call-outcomes} topic that this project creates (Bicep, local stack). Each consumer
 * reads its own subscription, so every consumer sees every outcome its filter selects; more subscriptions can be added
 * next to these (see functions-dispatch/README.md, "Outcomes").
 */
public final class OutcomeSubscriptions {
    private OutcomeSubscriptions() {}

    /** The telephony system: every outcome (default true filter). */
    public static final String TELEPHONY = "telephony";

    /** The operations dashboard / supervisor view: terminal outcomes only. */
    public static final String OPERATIONS = "operations";

    /**
     * SQL filter of {@link #OPERATIONS}: every terminal outcome ({@link OutcomeType#isTerminal()}), i.e. not the
     * {@code Delivered} progress report. Written as a positive list so the filter is explicit in the portal.
     */
    public static final String OPERATIONS_FILTER = "outcome IN ("
            + Arrays.stream(OutcomeType.values())
                    .filter(OutcomeType::isTerminal)
                    .map(o -> "'" + o.wireName() + "'")
                    .collect(Collectors.joining(", "))
            + ")";

    /** Entity path of a subscription, as receivers and the ops CLI address it. */
    public static String path(String topic, String subscription) {
        return topic + "/subscriptions/" + subscription;
    }
}
