package io.cifpipe.presence.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;

/** Timer: publishes recorded decisions whose call-outcomes send failed and was never retried (see OutcomeRepublisher). */
public final class OutcomeRepublishFunction {

    @FunctionName("outcomeRepublish")
    public void republish(
            @TimerTrigger(name = "timer", schedule = Hub.REPUBLISH_SCHEDULE) String timerInfo,
            ExecutionContext context) {
        PresenceRuntime.get().republisher().run();
    }
}
