package io.cifpipe.solution;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@code CifPipe_<x_y_z_w>.zip} (unmanaged) and {@code CifPipe_<x_y_z_w>_managed.zip} into the output folder
 * and checks both; any problem fails the build. Run by Maven at package time:
 * {@code --repo-root=.. --out=target --maven-version=0.1.0-SNAPSHOT --build=0 [--org-url=https://org.crm.dynamics.com]}.
 */
public final class BuildSolution {
    private BuildSolution() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            a.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        Path root = Path.of(require(a, "repo-root"));
        Path out = Path.of(require(a, "out"));
        String version = SolutionVersion.fromMaven(
                require(a, "maven-version"),
                Long.parseLong(
                        a.getOrDefault("build", "0").isBlank()
                                ? "0"
                                : a.get("build").trim()));
        String org = a.getOrDefault("org-url", "").trim();
        Optional<URI> orgUrl = org.isEmpty() ? Optional.empty() : Optional.of(orgUri(org));

        SolutionSources sources = new SolutionSources(root);
        sources.ensureClientBuilt();
        List<WebResource> resources = sources.collect();
        sources.notes().forEach(n -> System.out.println("[solution] " + n));
        resources.forEach(w -> System.out.println("[solution]   /WebResources/" + w.name() + "  <- " + w.source()));
        Map<String, byte[]> expected = new LinkedHashMap<>();
        resources.forEach(w -> expected.put(w.name(), w.content()));

        for (boolean managed : new boolean[] {false, true}) {
            SolutionModel model = new SolutionModel(version, managed, resources, orgUrl);
            Path zip = SolutionWriter.writeTo(model, out);
            List<String> problems =
                    SolutionChecker.check(zip, new SolutionChecker.Expectation(version, managed, expected));
            if (!problems.isEmpty()) {
                problems.forEach(p -> System.err.println("[solution] " + zip.getFileName() + ": " + p));
                throw new IllegalStateException(zip + " failed " + problems.size() + " check(s)");
            }
            System.out.println("[solution] " + zip + " (version " + version + ", " + resources.size()
                    + " web resources, channel URL " + model.channelUrl() + ") checked");
        }
    }

    static URI orgUri(String org) {
        URI u = URI.create(org.replaceAll("/+$", ""));
        if (!"https".equals(u.getScheme())
                || u.getHost() == null
                || (u.getPath() != null && !u.getPath().isEmpty())) {
            throw new IllegalArgumentException("--org-url must be https://<org host>, got " + org);
        }
        return u;
    }

    private static String require(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }
}
