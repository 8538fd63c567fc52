package io.cifpipe.devstack;

import io.cifpipe.devstack.parts.StackPart.Row;
import java.util.ArrayList;
import java.util.List;

/** The one table printed once the stack is up: URLs, keys, demo users. Plain text so it reads the same in logs. */
public final class SummaryTable {
    private final List<String[]> rows = new ArrayList<>();

    public SummaryTable section(String title) {
        rows.add(new String[] {"", ""});
        rows.add(new String[] {"#" + title, ""});
        return this;
    }

    public SummaryTable row(String what, String value) {
        rows.add(new String[] {what, value});
        return this;
    }

    public SummaryTable rows(List<Row> list) {
        list.forEach(r -> row(r.what(), r.value()));
        return this;
    }

    public String render() {
        int w = rows.stream()
                .filter(r -> !r[0].startsWith("#"))
                .mapToInt(r -> r[0].length())
                .max()
                .orElse(10);
        StringBuilder sb = new StringBuilder();
        String rule = "─".repeat(Math.min(100, w + 70));
        sb.append(rule).append('\n');
        for (String[] r : rows) {
            if (r[0].startsWith("#")) {
                sb.append(" ").append(r[0].substring(1)).append('\n');
            } else if (r[0].isEmpty() && r[1].isEmpty()) {
                if (sb.length() > rule.length() + 1) {
                    sb.append('\n');
                }
            } else {
                sb.append("   ").append(pad(r[0], w)).append("  ").append(r[1]).append('\n');
            }
        }
        sb.append(rule).append('\n');
        return sb.toString();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }
}
