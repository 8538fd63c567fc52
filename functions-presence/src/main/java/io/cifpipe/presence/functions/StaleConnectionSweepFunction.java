package io.cifpipe.presence.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;

/** Timer: removes registry rows whose connection SignalR no longer knows (lost disconnect events). */
public final class StaleConnectionSweepFunction {

    @FunctionName("staleConnectionSweep")
    public void sweep(
            @TimerTrigger(name = "timer", schedule = Hub.SWEEP_SCHEDULE) String timerInfo, ExecutionContext context) {
        PresenceRuntime.get().sweeper().sweep();
    }
}
