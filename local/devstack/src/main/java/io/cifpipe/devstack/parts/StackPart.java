package io.cifpipe.devstack.parts;

import java.util.List;

/** One supervised piece of the local stack. Started in order, closed in reverse order. */
public interface StackPart extends AutoCloseable {

    /** Human name for progress lines and messages, e.g. "Azurite tables". */
    String name();

    /** Starts and returns once the part answers (or throws a StackException naming the fix). */
    void start() throws Exception;

    /** Does the part answer right now? (readiness for {@code --wait} and /api/health; may block briefly) */
    boolean answers();

    /** Lines for the summary table: (what, URL or value). */
    List<Row> rows();

    /** Stops the part; never throws. */
    @Override
    void close();

    record Row(String what, String value) {}
}
