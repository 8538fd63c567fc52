package io.cifpipe.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** {@code .devstack/devstack.pid}: one running stack per repository; {@code down} finds it here. */
final class PidFile {
    private final Path file;

    PidFile(Path stateDir) {
        this.file = stateDir.resolve("devstack.pid");
    }

    Path path() {
        return file;
    }

    /** Records this process, refusing if another live devstack already holds the file. */
    void claim() {
        running().ifPresent(p -> {
            if (p.pid() != ProcessHandle.current().pid()) {
                throw new StackException(
                        "A local stack is already running (pid " + p.pid() + ").",
                        "Use it, or stop it first with './dev down'.");
            }
        });
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new StackException("Cannot write " + file + ": " + e.getMessage(), "Check .devstack is writable.", e);
        }
    }

    /** The live devstack process named in the file, if any (a stale file from a crash is ignored). */
    Optional<ProcessHandle> running() {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(file).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(PidFile::looksLikeDevstack);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Guards against a recycled pid: the process must be a JVM running devstack. */
    private static boolean looksLikeDevstack(ProcessHandle p) {
        if (p.pid() == ProcessHandle.current().pid()) {
            return true;
        }
        String cmd = p.info().commandLine().orElse("");
        return cmd.isEmpty() || cmd.contains("devstack");
    }

    void release() {
        try {
            Optional<String> content =
                    Files.exists(file) ? Optional.of(Files.readString(file).trim()) : Optional.empty();
            if (content.isPresent()
                    && content.get()
                            .equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // best effort
        }
    }
}
