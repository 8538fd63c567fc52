package io.cifpipe.harness.parts;

import io.cifpipe.harness.Part;
import io.cifpipe.testsupport.Azurite;

/** Azurite tables through the one launcher ({@link Azurite}): kill is SIGKILL, stop is SIGTERM (on-disk data saved). */
public final class AzuritePart implements Part {
    private final Azurite azurite;

    public AzuritePart(Azurite azurite) {
        this.azurite = azurite;
    }

    @Override
    public String name() {
        return "Azurite tables";
    }

    @Override
    public void start() {
        azurite.startProcess();
    }

    @Override
    public void stop() {
        azurite.stop();
    }

    @Override
    public void kill() {
        azurite.kill();
    }

    @Override
    public boolean answers() {
        return azurite.isAlive() && azurite.accepts();
    }

    @Override
    public void close() {
        azurite.close();
    }

    public int port() {
        return azurite.port();
    }

    public String connectionString() {
        return azurite.connectionString();
    }

    /** Process id of the running Azurite (-1 while stopped). */
    public long pid() {
        return azurite.pid();
    }

    /** Azurite's last output lines, for a message when it did not start. */
    public String outputTail() {
        return azurite.outputTail();
    }
}
