package io.cifpipe.devstack;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The local CIF host's configuration (notification/session/application-tab templates, presence list, demo
 * customer records), read from {@code web/cif-host-config.json} so that tools see it in {@code /api/config} under
 * {@link #KEYS} and the host page (cif-host.js) reads the same data.
 */
public final class CifHostConfig {
    public static final List<String> KEYS = List.of(
            "cifNotificationTemplates",
            "cifSessionTemplates",
            "cifApplicationTabTemplates",
            "cifPresences",
            "cifDemoRecords");
    private static final String RESOURCE = "/web/cif-host-config.json";

    private CifHostConfig() {}

    /** A fresh copy of the configuration (only {@link #KEYS}). */
    public static JsonObject load() {
        try (InputStream in = CifHostConfig.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the devstack jar");
            }
            JsonObject all = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            JsonObject out = new JsonObject();
            for (String k : KEYS) {
                out.put(k, all.getJsonArray(k));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
