package io.cifpipe.host.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Functions HTTP route template (ASP.NET Core routing subset): literal segments (case-insensitive),
 * {@code {name}}, {@code {name:constraint}} (int, long, bool, guid, alpha, double, float, decimal),
 * optional {@code {name?}} as the last segments, and catch-all {@code {*name}}. Written by hand because
 * no Java library implements the ASP.NET template syntax; Vert.x paths lack constraints and optionals.
 */
public final class RouteTemplate implements Comparable<RouteTemplate> {
    private static final Pattern PARAM =
            Pattern.compile("\\{(\\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+)(?:\\([^)]*\\))?)?(\\?)?(?:=[^}]*)?}");

    private final String template;
    private final Pattern regex;
    private final List<String> names = new ArrayList<>();
    private final Map<String, String> constraints = new LinkedHashMap<>();
    private final List<Integer> precedence = new ArrayList<>();

    public RouteTemplate(String template) {
        this.template = template;
        StringBuilder rx = new StringBuilder("^");
        String trimmed = template.replaceAll("^/+|/+$", "");
        if (!trimmed.isEmpty()) {
            for (String segment : trimmed.split("/")) {
                rx.append(segmentRegex(segment));
            }
        }
        rx.append("/?$");
        this.regex = Pattern.compile(rx.toString(), Pattern.CASE_INSENSITIVE);
    }

    private String segmentRegex(String segment) {
        Matcher m = PARAM.matcher(segment);
        if (m.matches()) {
            String name = m.group(2);
            names.add(name);
            if (m.group(3) != null) constraints.put(name, m.group(3).toLowerCase());
            String group = "(?<" + groupName(names.size() - 1) + ">";
            if (m.group(1) != null) {
                precedence.add(5);
                return "(?:/" + group + ".*))?";
            }
            if (m.group(4) != null) {
                precedence.add(4);
                return "(?:/" + group + "[^/]+))?";
            }
            precedence.add(m.group(3) != null ? 2 : 3);
            return "/" + group + "[^/]+)";
        }
        precedence.add(m.find() ? 2 : 1);
        m.reset();
        StringBuilder rx = new StringBuilder("/");
        int last = 0;
        while (m.find()) {
            rx.append(Pattern.quote(segment.substring(last, m.start())));
            names.add(m.group(2));
            if (m.group(3) != null) constraints.put(m.group(2), m.group(3).toLowerCase());
            rx.append("(?<").append(groupName(names.size() - 1)).append(">[^/]+?)");
            last = m.end();
        }
        rx.append(Pattern.quote(segment.substring(last)));
        return rx.toString();
    }

    private static String groupName(int index) {
        return "p" + index;
    }

    /** Route values when {@code path} (decoded, starting with '/') matches, else empty. */
    public Optional<Map<String, String>> match(String path) {
        Matcher m = regex.matcher(path);
        if (!m.matches()) return Optional.empty();
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String v = m.group(groupName(i));
            if (v == null) continue;
            String c = constraints.get(names.get(i));
            if (c != null && !satisfies(c, v)) return Optional.empty();
            values.put(names.get(i), v);
        }
        return Optional.of(values);
    }

    private static boolean satisfies(String constraint, String v) {
        try {
            switch (constraint) {
                case "int" -> Integer.parseInt(v);
                case "long" -> Long.parseLong(v);
                case "double", "float" -> Double.parseDouble(v);
                case "decimal" -> new java.math.BigDecimal(v);
                case "bool" -> {
                    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) return false;
                }
                case "guid" -> java.util.UUID.fromString(v);
                case "alpha" -> {
                    if (!v.chars().allMatch(Character::isLetter)) return false;
                }
                default -> {
                    /* unknown constraints are not enforced; documented in README */
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public String template() {
        return template;
    }

    /** Literal segments before parameters, constrained before free, optional and catch-all last. */
    @Override
    public int compareTo(RouteTemplate o) {
        for (int i = 0; i < Math.min(precedence.size(), o.precedence.size()); i++) {
            int c = Integer.compare(precedence.get(i), o.precedence.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(o.precedence.size(), precedence.size());
    }

    @Override
    public String toString() {
        return template;
    }
}
