package io.cifpipe.devstack.parts;

import io.cifpipe.harness.Part;
import java.util.List;

/**
 * One supervised piece of the local stack: a harness {@link Part} (start, stop, kill, restart) that also describes
 * itself in devstack's summary table. Started in order, closed in reverse order.
 */
public interface StackPart extends Part {

    /** Lines for the summary table: (what, URL or value). */
    List<Row> rows();

    /** devstack parts stop by closing. */
    @Override
    default void stop() {
        close();
    }

    /** Stops the part; never throws. */
    @Override
    void close();

    record Row(String what, String value) {}
}
