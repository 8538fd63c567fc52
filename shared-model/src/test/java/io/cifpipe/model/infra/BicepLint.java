package io.cifpipe.model.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds patterns in our Bicep and azd files that compile but break a real deployment (no Bicep compiler runs here).
 * Each rule works on text, one file at a time (plus the callee for module calls), so tests can feed it snippets:
 * <ul>
 *   <li>{@link #hardCodedCloudHosts}: public-cloud host names (sovereign clouds have other suffixes; use
 *       {@code environment()} or the resource's reported endpoint);</li>
 *   <li>{@link #insecureSecrets}: a parameter that receives a key or connection string without {@code @secure()},
 *       or an output that returns one (both stay readable in deployment history);</li>
 *   <li>{@link #outdatedApiVersions}: a property set on a resource whose API version predates it (Bicep only warns,
 *       BCP037, and ARM ignores it), and preview API versions;</li>
 *   <li>{@link #principalTypeFixed}: a role assignment for a principal of configurable type whose
 *       {@code principalType} is fixed ({@code UnmatchedPrincipalType} for a group).</li>
 * </ul>
 */
final class BicepLint {
    private BicepLint() {}

    record Finding(String file, int line, String rule, String message) {
        @Override
        public String toString() {
            return file + ":" + line + " [" + rule + "] " + message;
        }
    }

    /** Host names that exist only in the public cloud. */
    static final List<String> PUBLIC_CLOUD_HOSTS = List.of(
            "login.microsoftonline.com",
            "servicebus.windows.net",
            "core.windows.net",
            "azurewebsites.net",
            "management.azure.com",
            "vault.azure.net",
            "database.windows.net",
            "graph.microsoft.com",
            "service.signalr.net");

    /**
     * A resource property and the first GA API version that has it. Source: bicep-types-az generated types (e.g.
     * servicebus 2021-11-01 has no minimumTlsVersion, 2024-01-01 has it), the Flex Consumption schema (Microsoft.Web
     * 2023-12-01, azure-dev#3658) and Troubleshoot Azure RBAC (principalType).
     */
    record MinimumApi(String type, String property, String minimum) {}

    static final List<MinimumApi> MINIMUM_API = List.of(
            new MinimumApi("Microsoft.ServiceBus/namespaces", "minimumTlsVersion", "2024-01-01"),
            new MinimumApi("Microsoft.Web/sites", "functionAppConfig", "2023-12-01"),
            new MinimumApi("Microsoft.Authorization/roleAssignments", "principalType", "2020-03-01-preview"));

    private static final Pattern RESOURCE =
            Pattern.compile("^resource (\\w+) '([^@']+)@([^']+)'( existing)? = .*\\{\\s*$");
    private static final Pattern PARAM = Pattern.compile("^param (\\w+) (\\w+)(?: = (.+))?$");
    private static final Pattern OUTPUT = Pattern.compile("^output (\\w+) (\\w+) = (.+)$");
    private static final Pattern MODULE = Pattern.compile("^module (\\w+) '([^']+)' = .*\\{\\s*$");
    private static final Pattern VAR = Pattern.compile("^var (\\w+) = (.+)$");
    /** list*() functions return keys/connection strings; ConnectionString properties carry keys too. */
    private static final Pattern SECRET_VALUE = Pattern.compile("\\blist\\w*\\(|\\.listKeys\\(|ConnectionString\\b");

    private static final Pattern MODULE_OUTPUT = Pattern.compile("\\.outputs\\.(\\w+)");
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i)(password|secret|connectionstring|key|keys|sastoken|accesstoken)$");

    // ---------------------------------------------------------------- rules

    static List<Finding> hardCodedCloudHosts(String file, String text, Set<String> allowedLines) {
        List<Finding> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String code = stripComment(lines[i], file.endsWith(".bicep") ? "//" : "#");
            for (String host : PUBLIC_CLOUD_HOSTS) {
                if (code.contains(host) && !allowedLines.contains(lines[i].trim())) {
                    out.add(new Finding(
                            file,
                            i + 1,
                            "cloud-host",
                            "hard-coded '" + host + "': use environment() or the endpoint the resource reports"));
                }
            }
        }
        return out;
    }

    /**
     * @param callee reads a module's text by the path written in the module declaration (null: unknown, skipped)
     */
    static List<Finding> insecureSecrets(String file, String text, java.util.function.Function<String, String> callee) {
        List<Finding> out = new ArrayList<>();
        Parsed p = parse(text);
        p.params.forEach((name, param) -> {
            if (!param.secure && SECRET_NAME.matcher(name).find() && param.type.equals("string")) {
                out.add(new Finding(
                        file,
                        param.line,
                        "secure-param",
                        "param " + name + " looks like a secret but is not @secure()"));
            }
        });
        for (Output o : p.outputs) {
            if (!o.secure
                    && (carriesSecret(o.expression, p)
                            || SECRET_NAME.matcher(o.name).find())) {
                out.add(new Finding(
                        file,
                        o.line,
                        "secret-output",
                        "output " + o.name
                                + " returns a key or connection string; outputs stay in deployment history"));
            }
        }
        for (ModuleCall m : p.modules) {
            String calleeText = callee == null ? null : callee.apply(m.path);
            if (calleeText == null) continue;
            Parsed target = parse(calleeText);
            m.params.forEach((name, expression) -> {
                Param declared = target.params.get(name);
                if (declared != null && !declared.secure && carriesSecret(expression, p)) {
                    out.add(new Finding(
                            file,
                            m.line,
                            "secure-param",
                            "module " + m.symbol + " passes a key or connection string to " + m.path + " param " + name
                                    + ", which is not @secure() (deployment history keeps it)"));
                }
            });
        }
        return out;
    }

    static List<Finding> outdatedApiVersions(String file, String text) {
        List<Finding> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher r = RESOURCE.matcher(lines[i]);
            if (!r.matches()) continue;
            String type = r.group(2), version = r.group(3);
            if (version.contains("preview")) {
                out.add(new Finding(file, i + 1, "api-version", type + "@" + version + " is a preview API version"));
            }
            if (r.group(4) != null) continue; // existing: nothing is set
            String body = block(lines, i);
            for (MinimumApi min : MINIMUM_API) {
                if (min.type.equalsIgnoreCase(type)
                        && Pattern.compile("(?m)^\\s*" + min.property + ":")
                                .matcher(body)
                                .find()
                        && version.compareTo(min.minimum) < 0) {
                    out.add(new Finding(
                            file,
                            i + 1,
                            "api-version",
                            type + "@" + version + " sets " + min.property
                                    + ", which that API version lacks (first GA: " + min.minimum
                                    + "); Bicep only warns and ARM ignores it"));
                }
            }
        }
        return out;
    }

    static List<Finding> principalTypeFixed(
            String file, String text, java.util.function.Function<String, String> callee) {
        List<Finding> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (stripComment(lines[i], "//").matches("\\s*principalType: '(User|Group)'\\s*")) {
                out.add(new Finding(
                        file,
                        i + 1,
                        "principal-type",
                        "principalType fixed to a user/group type; pass it as a parameter"));
            }
        }
        Parsed p = parse(text);
        for (ModuleCall m : p.modules) {
            String calleeText = callee == null ? null : callee.apply(m.path);
            if (calleeText == null) continue;
            Parsed target = parse(calleeText);
            for (String passed : m.params.keySet()) {
                if (!passed.endsWith("PrincipalId")) continue;
                String typeParam = passed.substring(0, passed.length() - "Id".length()) + "Type";
                if (target.params.containsKey(typeParam) && !m.params.containsKey(typeParam)) {
                    out.add(new Finding(
                            file,
                            m.line,
                            "principal-type",
                            "module " + m.symbol + " passes " + passed + " but leaves " + typeParam
                                    + " at its default"));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- a small reader (house style of infra/)

    record Param(String type, boolean secure, int line) {}

    record Output(String name, String expression, boolean secure, int line) {}

    record ModuleCall(String symbol, String path, Map<String, String> params, int line) {}

    record Parsed(
            Map<String, Param> params,
            List<Output> outputs,
            List<ModuleCall> modules,
            Map<String, String> vars,
            Set<String> secureParams) {}

    static Parsed parse(String text) {
        String[] lines = text.split("\n", -1);
        Map<String, Param> params = new LinkedHashMap<>();
        List<Output> outputs = new ArrayList<>();
        List<ModuleCall> modules = new ArrayList<>();
        Map<String, String> vars = new LinkedHashMap<>();
        boolean secureDecorator = false;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("@")) {
                secureDecorator |= l.startsWith("@secure()");
                continue;
            }
            Matcher m;
            if ((m = PARAM.matcher(l)).matches()) {
                params.put(m.group(1), new Param(m.group(2), secureDecorator, i + 1));
            } else if ((m = OUTPUT.matcher(l)).matches()) {
                outputs.add(new Output(m.group(1), m.group(3), secureDecorator, i + 1));
            } else if ((m = VAR.matcher(l)).matches()) {
                String value = m.group(2).trim();
                vars.put(m.group(1), value.endsWith("{") || value.endsWith("[") ? block(lines, i) : value);
            } else if ((m = MODULE.matcher(l)).matches()) {
                modules.add(new ModuleCall(m.group(1), m.group(2), moduleParams(lines, i), i + 1));
            }
            secureDecorator = false;
        }
        Set<String> secure = new java.util.HashSet<>();
        params.forEach((n, p) -> {
            if (p.secure) secure.add(n);
        });
        return new Parsed(params, outputs, modules, vars, secure);
    }

    /** True when the expression (with the file's vars expanded) reads a key or connection string or a secure param. */
    static boolean carriesSecret(String expression, Parsed p) {
        return carriesSecret(expression, p, 0);
    }

    private static boolean carriesSecret(String expression, Parsed p, int depth) {
        if (SECRET_VALUE.matcher(expression).find()) return true;
        Matcher output = MODULE_OUTPUT.matcher(expression);
        while (output.find()) {
            if (SECRET_NAME.matcher(output.group(1)).find()) return true; // e.g. monitoring.outputs.connectionString
        }
        if (depth > 8) return false;
        Matcher ident = Pattern.compile("\\b([A-Za-z_]\\w*)\\b").matcher(expression.replaceAll("'[^']*'", "''"));
        while (ident.find()) {
            String name = ident.group(1);
            if (p.secureParams.contains(name)) return true;
            String v = p.vars.get(name);
            if (v != null && carriesSecret(v, p, depth + 1)) return true;
        }
        return false;
    }

    private static Map<String, String> moduleParams(String[] lines, int start) {
        Map<String, String> out = new LinkedHashMap<>();
        String body = block(lines, start);
        String[] b = body.split("\n");
        for (int j = 0; j < b.length; j++) {
            String l = b[j];
            if (!l.startsWith("  params: {")) continue;
            if (l.trim().endsWith("}")) {
                String inner = l.substring(l.indexOf('{') + 1, l.lastIndexOf('}'));
                for (String part : inner.split(",")) {
                    String[] kv = part.split(":", 2);
                    if (kv.length == 2) out.put(kv[0].trim(), kv[1].trim());
                }
            } else {
                for (int k = j + 1; k < b.length && !b[k].startsWith("  }"); k++) {
                    Matcher m = Pattern.compile("^    (\\w+): (.+)$").matcher(b[k]);
                    if (m.matches()) out.put(m.group(1), m.group(2).trim());
                }
            }
        }
        return out;
    }

    /** The text from line {@code start} to the line closing the bracket it opens. */
    static String block(String[] lines, int start) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (int i = start; i < lines.length; i++) {
            sb.append(lines[i]).append('\n');
            depth += Bicep.count(lines[i], '{')
                    + Bicep.count(lines[i], '[')
                    - Bicep.count(lines[i], '}')
                    - Bicep.count(lines[i], ']');
            if (depth <= 0) break;
        }
        return sb.toString();
    }

    /** Removes a trailing comment that is not inside a single-quoted string. */
    static String stripComment(String line, String marker) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') quoted = !quoted;
            else if (!quoted && line.startsWith(marker, i)) return line.substring(0, i);
        }
        return line;
    }
}
