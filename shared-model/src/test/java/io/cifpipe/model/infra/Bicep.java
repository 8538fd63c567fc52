package io.cifpipe.model.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately small reader of the Bicep we write in infra/ (no Bicep compiler exists on this machine): top-level
 * params, single-line vars, object-literal vars and module blocks, by line shape. It relies on the house style of
 * those files (two-space indentation, one member per line) and fails loudly when something it needs is missing.
 */
record Bicep(Path path, List<String> lines) {
    private static final Pattern PARAM = Pattern.compile("^param (\\w+) (\\w+)(?: = (.+))?$");
    private static final Pattern VAR = Pattern.compile("^var (\\w+) = (.+)$");
    private static final Pattern MODULE = Pattern.compile("^module (\\w+) '([^']+)' = \\{$");
    private static final Pattern MEMBER = Pattern.compile("^(\\s*)('[^']+'|[A-Za-z_][A-Za-z0-9_]*):\\s*(.*)$");

    static Bicep read(Path path) {
        try {
            return new Bicep(path, Files.readAllLines(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** name → default expression (null when the param has none). */
    Map<String, String> params() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : lines) {
            Matcher m = PARAM.matcher(l);
            if (m.matches()) out.put(m.group(1), m.group(3));
        }
        return out;
    }

    Optional<String> varExpression(String name) {
        for (String l : lines) {
            Matcher m = VAR.matcher(l);
            if (m.matches() && m.group(1).equals(name))
                return Optional.of(m.group(2).trim());
        }
        return Optional.empty();
    }

    /** Top-level members (key → value expression) of an object-literal var {@code var name = {…}}. */
    Map<String, String> objectVar(String name) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = VAR.matcher(lines.get(i));
            if (m.matches() && m.group(1).equals(name) && m.group(2).trim().endsWith("{")) start = i;
        }
        if (start < 0) throw new AssertionError(path + ": no object var '" + name + "'");
        return members(start, 2);
    }

    /** module symbol → [path, params block members]. */
    Map<String, Module> modules() {
        Map<String, Module> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MODULE.matcher(lines.get(i));
            if (!m.matches()) continue;
            Map<String, String> params = new LinkedHashMap<>();
            for (int j = i + 1; j < lines.size() && !lines.get(j).equals("}"); j++) {
                String l = lines.get(j);
                if (l.startsWith("  params: {")) {
                    if (l.trim().endsWith("}")) { // one-line form: params: { a: x, b: y }
                        String inner = l.substring(l.indexOf('{') + 1, l.lastIndexOf('}'));
                        for (String part : inner.split(",")) {
                            String[] kv = part.split(":", 2);
                            params.put(kv[0].trim(), kv[1].trim());
                        }
                    } else {
                        params.putAll(members(j, 4));
                    }
                }
            }
            out.put(m.group(1), new Module(m.group(2), params));
        }
        return out;
    }

    record Module(String path, Map<String, String> params) {}

    /** Resolves a literal, a {@code string(x)} wrapper, or a var/param with a literal value to its string value. */
    Optional<String> resolve(String expression) {
        String e = expression.trim();
        if (e.startsWith("string(") && e.endsWith(")"))
            e = e.substring(7, e.length() - 1).trim();
        if (e.startsWith("'") && e.endsWith("'") && !e.contains("${"))
            return Optional.of(e.substring(1, e.length() - 1));
        if (e.matches("-?\\d+|true|false")) return Optional.of(e);
        if (e.matches("\\w+")) {
            String name = e;
            Optional<String> v = varExpression(name);
            if (v.isPresent()) return resolve(v.get());
            String d = params().get(name);
            if (d != null) return resolve(d);
        }
        return Optional.empty();
    }

    String text() {
        return String.join("\n", lines);
    }

    private Map<String, String> members(int openLine, int indent) {
        Map<String, String> out = new LinkedHashMap<>();
        int depth = 0;
        for (int i = openLine; i < lines.size(); i++) {
            String l = lines.get(i);
            if (i > openLine && depth == 1) {
                Matcher m = MEMBER.matcher(l);
                if (m.matches() && m.group(1).length() == indent) {
                    String key = m.group(2).replace("'", "");
                    out.put(key, m.group(3).trim());
                }
            }
            depth += count(l, '{') + count(l, '[') - count(l, '}') - count(l, ']');
            if (i > openLine && depth <= 0) return out;
        }
        throw new AssertionError(path + ": unterminated block at line " + (openLine + 1));
    }

    static int count(String s, char c) {
        int n = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\'') quoted = !quoted;
            else if (!quoted && ch == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') break; // comment
            else if (!quoted && ch == c) n++;
        }
        return n;
    }
}
