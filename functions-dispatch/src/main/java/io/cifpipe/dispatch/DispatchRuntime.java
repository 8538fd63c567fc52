package io.cifpipe.dispatch;

import io.cifpipe.model.Setting;
import io.cifpipe.runtime.RuntimeClients;

/** Wires the dispatch services from app settings once per Functions app instance. */
final class DispatchRuntime {
    private static volatile DispatchRuntime instance;

    final CallEventDispatcher dispatcher;
    final ExpirySweeper sweeper;

    private DispatchRuntime(RuntimeClients clients) {
        DispatchSettings settings = DispatchSettings.from(clients.settings());
        this.dispatcher = new CallEventDispatcher(clients.codec(), clients.ledger(), clients.agents(), clients.signalR(),
                clients.outcomes(), clients.scheduler(clients.setting(Setting.CALL_EVENTS_QUEUE)), settings, clients.clock());
        this.sweeper = new ExpirySweeper(clients.ledger(), dispatcher, clients.outcomes(), clients.agents(), clients.signalR(),
                settings, clients.clock());
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
