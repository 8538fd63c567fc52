package io.cifpipe.devstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code .devstack/status.json}: how the background stack tells {@code --wait} that it is ready (with the
 * table to print) or why it failed (message + fix), and, once READY, what scripts need under {@code stack}
 * ({@link StackDocument}). Written atomically (temp file + move).
 */
final class StatusFile {
    enum State {
        STARTING,
        READY,
        FAILED,
        STOPPED
    }

    record Status(State state, String message, String fix, String summary, long pid, String webUrl) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    StatusFile(Path stateDir) {
        this.file = stateDir.resolve("status.json");
    }

    void write(State state, String message, String fix, String summary) {
        write(state, message, fix, summary, null);
    }

    /** @param webUrl the pages' origin once READY (scripts and the browser tests read it here) */
    void write(State state, String message, String fix, String summary, String webUrl) {
        write(state, message, fix, summary, webUrl, null);
    }

    /** @param stack once READY: endpoints, keys, connection strings and identities as JSON ({@link StackDocument}) */
    void write(State state, String message, String fix, String summary, String webUrl, Map<String, Object> stack) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state.name());
        m.put("message", message);
        m.put("fix", fix);
        m.put("summary", summary);
        m.put("pid", ProcessHandle.current().pid());
        m.put("webUrl", webUrl);
        m.put("stack", stack);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("status.json.tmp");
            JSON.writeValue(tmp.toFile(), m);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // status is advisory; the pid file and health endpoint still work
        }
    }

    Optional<Status> read() {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(file.toFile(), Map.class);
            return Optional.of(new Status(
                    State.valueOf((String) m.get("state")),
                    (String) m.get("message"),
                    (String) m.get("fix"),
                    (String) m.get("summary"),
                    ((Number) m.get("pid")).longValue(),
                    (String) m.get("webUrl")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
