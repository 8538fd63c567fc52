package io.cifpipe.dispatch;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;

/** Timer on {@code %ExpirySweepSchedule%}: closes notifications whose ring window ended. */
public final class ExpirySweepFunction {

    @FunctionName("expirySweep")
    public void run(@TimerTrigger(name = "timer", schedule = "%ExpirySweepSchedule%") String timerInfo,
                    ExecutionContext context) {
        int closed = DispatchRuntime.get().sweeper().sweep();
        if (closed > 0) {
            context.getLogger().info("expiry sweep closed " + closed + " notification(s)");
        }
    }
}
