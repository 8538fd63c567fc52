package io.cifpipe.devstack.parts;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Is {@code node} on the PATH? (Azurite's launcher script is {@code #!/usr/bin/env node}.) */
final class NodeCheck {
    private NodeCheck() {}

    static boolean nodeAvailable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "node"))) {
                return true;
            }
        }
        return false;
    }
}
