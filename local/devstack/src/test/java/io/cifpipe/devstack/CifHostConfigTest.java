package io.cifpipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local CIF host's configuration: what /api/config lists and what the host page and the client rely on. */
class CifHostConfigTest {

    @Test
    void listsTemplatesPresencesAndDemoRecordsUnderTheirKeys() {
        JsonObject c = CifHostConfig.load();
        assertThat(c.fieldNames()).containsExactlyInAnyOrderElementsOf(CifHostConfig.KEYS);
        for (String k : CifHostConfig.KEYS) {
            assertThat(c.getJsonArray(k)).as(k).isNotEmpty();
        }
    }

    @Test
    void notificationTemplatesHaveATimeoutInCifRangeAndTheClientDefaultExists() {
        JsonArray templates = CifHostConfig.load().getJsonArray("cifNotificationTemplates");
        List<String> names = new ArrayList<>();
        for (Object o : templates) {
            JsonObject t = (JsonObject) o;
            names.add(t.getString("msdyn_name"));
            assertThat(t.getInteger("msdyn_timeout"))
                    .as(t.getString("msdyn_name"))
                    .isBetween(0, 500);
            assertThat(t.getJsonArray("fields")).isNotEmpty();
        }
        // the client's default template name (client/src/glue/config.js) and the short one the e2e uses
        assertThat(names).contains("cifpipe_incoming_call", "cifpipe_incoming_call_short");
        JsonObject main = templates.stream()
                .map(JsonObject.class::cast)
                .filter(t -> t.getString("msdyn_name").equals("cifpipe_incoming_call"))
                .findFirst()
                .orElseThrow();
        // README rule: msdyn_timeout ≥ the longest ring window (call.offered ringSeconds ≤ 300)
        assertThat(main.getInteger("msdyn_timeout")).isGreaterThanOrEqualTo(300);
    }

    @Test
    void presencesCoverTheClientsDefaultMapAndSessionTabsResolve() {
        JsonObject c = CifHostConfig.load();
        List<String> texts = c.getJsonArray("cifPresences").stream()
                .map(o -> ((JsonObject) o).getString("presenceText"))
                .toList();
        // client/src/glue/presence-sync.js DEFAULT_TO_PRESENCE
        assertThat(texts).contains("Available", "Busy", "Do not disturb", "Away");
        List<String> tabs = c.getJsonArray("cifApplicationTabTemplates").stream()
                .map(o -> ((JsonObject) o).getString("msdyn_name"))
                .toList();
        for (Object o : c.getJsonArray("cifSessionTemplates")) {
            assertThat(tabs)
                    .containsAll(((JsonObject) o)
                            .getJsonArray("applicationTabs").stream()
                                    .map(String::valueOf)
                                    .toList());
        }
    }

    @Test
    void theTelephonySimulatorsDefaultCallerIsADemoContact() throws IOException {
        String page;
        try (InputStream in = CifHostConfig.class.getResourceAsStream("/web/telephony.html")) {
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("id=\"callerNumber\" value=\"([^\"]+)\"")
                .matcher(page);
        assertThat(m.find()).isTrue();
        String number = m.group(1);
        long matches = CifHostConfig.load().getJsonArray("cifDemoRecords").stream()
                .map(JsonObject.class::cast)
                .filter(r -> "contact".equals(r.getString("entity")) && number.equals(r.getString("telephone1")))
                .count();
        assertThat(matches)
                .as("exactly one contact with the simulator's default number " + number)
                .isEqualTo(1);
    }
}
