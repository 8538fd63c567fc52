package io.cifpipe.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code .devstack/servicebus.connection}: the running stack's Service Bus connection string, which
 * {@code ./dev ops} reads so the dead-letter CLI needs no flags locally. Owner-readable only; removed on stop.
 */
final class ConnectionFile {
    private ConnectionFile() {}

    static void write(Path stateDir, String connectionString) {
        Path file = stateDir.resolve("servicebus.connection");
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, connectionString);
        } catch (IOException | UnsupportedOperationException e) {
            // ./dev ops then asks for --connection-string; the table shows it too
        }
    }

    static void delete(Path stateDir) {
        try {
            Files.deleteIfExists(stateDir.resolve("servicebus.connection"));
        } catch (IOException ignored) {
            // best effort
        }
    }
}
