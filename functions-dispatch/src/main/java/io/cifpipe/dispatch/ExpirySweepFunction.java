package io.cifpipe.dispatch;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Timer on {@code %ExpirySweepSchedule%}: closes notifications whose ring window ended. */
public final class ExpirySweepFunction {
    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweepFunction.class);

    @FunctionName("expirySweep")
    public void run(
            @TimerTrigger(name = "timer", schedule = "%ExpirySweepSchedule%") String timerInfo,
            ExecutionContext context) {
        int closed = DispatchRuntime.get().sweeper().sweep();
        if (closed > 0) {
            LOG.info("expiry sweep closed {} notification(s)", closed);
        }
    }
}
