package io.cifpipe.presence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.model.Names;
import io.cifpipe.model.Setting;
import org.junit.jupiter.api.Test;

/** Annotation constants must match the one list of settings and wire names. */
class HubConstantsTest {
    @Test
    void constantsMatchSharedModel() {
        assertThat(Hub.UPSTREAM_ROUTE).isEqualTo(Names.SIGNALR_UPSTREAM_ROUTE);
        assertThat(Hub.SWEEP_SCHEDULE).isEqualTo("%" + Setting.CONNECTION_SWEEP_SCHEDULE.key() + "%");
        assertThat(Hub.REPUBLISH_SCHEDULE).isEqualTo("%" + Setting.OUTCOME_REPUBLISH_SCHEDULE.key() + "%");
    }
}
