package io.cifpipe.dispatch;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.AppRuntime;
import io.cifpipe.runtime.Lazy;
import io.cifpipe.runtime.RuntimeClients;

/** The dispatch app's services, wired from app settings once per process ({@link AppRuntime}). */
final class DispatchRuntime {
    private static final AppRuntime<DispatchRuntime> APP = AppRuntime.of(DispatchRuntime::new);

    private final Lazy<CallEventDispatcher> dispatcher;
    private final Lazy<ExpirySweeper> sweeper;
    /** The queue's MaxDeliveryCount: a failure on this delivery moves the message to the dead-letter queue. */
    private final Lazy<Integer> maxDeliveryCount;

    DispatchRuntime(RuntimeClients clients) {
        Lazy<DispatchSettings> settings = Lazy.of(() -> DispatchSettings.from(clients.settings()));
        this.dispatcher = Lazy.of(() -> new CallEventDispatcher(
                clients.codec(),
                clients.ledger(),
                clients.agents(),
                clients.signalR(),
                clients.outcomes(),
                clients.scheduler(clients.setting(Setting.CALL_EVENTS_QUEUE)),
                settings.get(),
                clients.clock()));
        this.sweeper = Lazy.of(() -> new ExpirySweeper(
                clients.ledger(),
                dispatcher.get(),
                clients.outcomes(),
                clients.agents(),
                clients.signalR(),
                settings.get(),
                clients.clock()));
        this.maxDeliveryCount = Lazy.of(() -> clients.intSetting(Setting.CALL_EVENTS_MAX_DELIVERY_COUNT));
    }

    static DispatchRuntime get() {
        return APP.get();
    }

    CallEventDispatcher dispatcher() {
        return dispatcher.get();
    }

    ExpirySweeper sweeper() {
        return sweeper.get();
    }

    int maxDeliveryCount() {
        return maxDeliveryCount.get();
    }
}
