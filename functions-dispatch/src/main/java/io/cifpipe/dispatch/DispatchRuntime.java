package io.cifpipe.dispatch;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.RuntimeClients;

/** Wires the dispatch services from app settings once per Functions app instance. */
final class DispatchRuntime {
    private static volatile DispatchRuntime instance;

    final CallEventDispatcher dispatcher;
    final ExpirySweeper sweeper;
    /** The queue's MaxDeliveryCount: a failure on this delivery moves the message to the dead-letter queue. */
    final int maxDeliveryCount;

    private DispatchRuntime(RuntimeClients clients) {
        this.dispatcher = new CallEventDispatcher(clients.codec(), clients.ledger(), clients.agents(), clients.signalR(),
                clients.outcomes(), clients.scheduler(clients.setting(Setting.CALL_EVENTS_QUEUE)),
                DispatchSettings.from(clients.settings()), clients.clock());
        this.maxDeliveryCount = clients.intSetting(Setting.CALL_EVENTS_MAX_DELIVERY_COUNT);
        this.sweeper = new ExpirySweeper(clients.ledger(), dispatcher, clients.outcomes(), clients.clock());
    }

    static DispatchRuntime get() {
        DispatchRuntime r = instance;
        if (r == null) {
            synchronized (DispatchRuntime.class) {
                r = instance;
                if (r == null) {
                    r = new DispatchRuntime(RuntimeClients.shared());
                    instance = r;
                }
            }
        }
        return r;
    }
}
