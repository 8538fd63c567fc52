package io.cifpipe.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Test configs: the real repository root (Azurite, app builds) but ephemeral ports and a temp state dir. */
final class TestStacks {
    private TestStacks() {}

    static Path repoRoot() {
        String prop = System.getProperty("cifpipe.root");
        return StackConfig.findRoot(prop != null ? Path.of(prop) : Path.of("").toAbsolutePath());
    }

    static StackConfig config(Path stateDir) {
        return new StackConfig(repoRoot(), stateDir, Optional.empty(), Ports.ephemeral(), Keys.generate());
    }

    static StackConfig config(Path root, Path stateDir) {
        return new StackConfig(root, stateDir, Optional.empty(), Ports.ephemeral(), Keys.generate());
    }

    static boolean azuriteInstalled() {
        return Files.isExecutable(config(Path.of("/tmp")).azuriteBin());
    }
}
