package io.cifpipe.devstack;

import java.io.PrintStream;
import java.time.Duration;

/** Per-part start lines: "… Azurite tables" then "✓ Azurite tables  1.2 s" (or ✗ with the reason). */
public interface Progress {
    void starting(String part);

    void started(String part, Duration took, String detail);

    void failed(String part, Duration took, String reason);

    static Progress silent() {
        return new Progress() {
            @Override
            public void starting(String part) {}

            @Override
            public void started(String part, Duration took, String detail) {}

            @Override
            public void failed(String part, Duration took, String reason) {}
        };
    }

    /** Console lines; on a terminal the "starting" line is rewritten in place, elsewhere (logs) it is skipped. */
    static Progress console(PrintStream out, boolean ansi) {
        return new Progress() {
            @Override
            public void starting(String part) {
                if (ansi) {
                    out.print("  \u001b[33m…\u001b[0m " + part + " starting\r");
                    out.flush();
                }
            }

            @Override
            public void started(String part, Duration took, String detail) {
                String mark = ansi ? "\u001b[32m✓\u001b[0m" : "✓";
                out.printf(
                        "%s  %s %-28s %6.1f s  %s%n",
                        ansi ? "\u001b[2K" : "", mark, part, took.toMillis() / 1000.0, detail);
                out.flush();
            }

            @Override
            public void failed(String part, Duration took, String reason) {
                String mark = ansi ? "\u001b[31m✗\u001b[0m" : "✗";
                out.printf(
                        "%s  %s %-28s %6.1f s  %s%n",
                        ansi ? "\u001b[2K" : "", mark, part, took.toMillis() / 1000.0, reason);
                out.flush();
            }
        };
    }
}
