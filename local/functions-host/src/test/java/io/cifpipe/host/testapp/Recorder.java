package io.cifpipe.host.testapp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the test app's trigger functions saw. It lives in the APP's class loader, so tests read it through
 * the app's own HTTP function {@code GET /api/recorded} — black-box, as against a deployed app.
 */
public final class Recorder {
    static final List<Map<String, Object>> EVENTS = new CopyOnWriteArrayList<>();

    private Recorder() {}

    static void record(Map<String, Object> event) {
        EVENTS.add(event);
    }
}
