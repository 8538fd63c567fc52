package io.cifpipe.solution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where the web resources come from, all under {@link SolutionModel#WEB_RESOURCE_FOLDER}:
 * <ul>
 *   <li>{@code client/dist/*.js}: the client bundles (signalRadaptor.js, the sign-in redirect bridge), byte for byte
 *       what the client tests ran;</li>
 *   <li>{@code client/dist/*.js.LEGAL.txt}: the bundled libraries' licence texts, as {@code <bundle>.notices.html}
 *       pages (web resources have no plain-text type);</li>
 *   <li>{@code client/webresource/}: the panel page and its script/style, the sign-in relay page, settings.js;</li>
 *   <li>{@code dataverse-solution/src/main/webresources/}: the solution's own files (notification icon).</li>
 * </ul>
 */
public final class SolutionSources {
    /** esbuild's licence-comment file next to each bundle (legalComments: "linked"). */
    static final String LEGAL_SUFFIX = ".js.LEGAL.txt";

    private final Path repoRoot;
    private final List<String> notes = new ArrayList<>();

    public SolutionSources(Path repoRoot) {
        this.repoRoot = repoRoot.toAbsolutePath().normalize();
    }

    /** Human-readable notes (e.g. that the client bundle was rebuilt). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public Path clientDir() {
        return repoRoot.resolve("client");
    }

    public List<WebResource> collect() throws IOException {
        Map<String, WebResource> out = new LinkedHashMap<>();
        Path dist = clientDir().resolve("dist");
        if (!Files.isRegularFile(dist.resolve("signalRadaptor.js"))) {
            throw new IOException("client bundle missing: " + dist.resolve("signalRadaptor.js")
                    + " (run 'npm ci && npm run build' in client/)");
        }
        List<Path> built;
        try (Stream<Path> s = Files.list(dist)) {
            built = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : built) {
            String file = f.getFileName().toString();
            if (file.endsWith(".js")) {
                // IIFE bundles (signalRadaptor.js, redirectBridge.js); .mjs and source maps are not web resources.
                add(
                        out,
                        new WebResource(
                                SolutionModel.WEB_RESOURCE_FOLDER + file,
                                WebResourceType.SCRIPT,
                                Files.readAllBytes(f),
                                "client/dist/" + file));
            } else if (file.endsWith(LEGAL_SUFFIX)) {
                String page = SolutionModel.WEB_RESOURCE_FOLDER
                        + file.substring(0, file.length() - LEGAL_SUFFIX.length()) + ".notices.html";
                add(
                        out,
                        new WebResource(
                                page,
                                WebResourceType.HTML,
                                noticesPage(file, Files.readString(f, StandardCharsets.UTF_8)),
                                "client/dist/" + file));
            }
        }
        addFolder(out, clientDir().resolve("webresource"), "client/webresource");
        addFolder(
                out,
                repoRoot.resolve("dataverse-solution/src/main/webresources"),
                "dataverse-solution/src/main/webresources");
        return List.copyOf(out.values());
    }

    /** Wraps the licence texts in a minimal page (escaped, no script). */
    static byte[] noticesPage(String legalFile, String text) {
        String bundle = legalFile.substring(0, legalFile.length() - ".LEGAL.txt".length());
        String html =
                "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Third-party notices</title></head>\n"
                        + "<body><h1>Third-party notices of " + SolutionWriter.esc(bundle) + "</h1>\n<pre>"
                        + SolutionWriter.esc(text) + "</pre></body></html>\n";
        return html.getBytes(StandardCharsets.UTF_8);
    }

    private static void addFolder(Map<String, WebResource> out, Path dir, String label) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String rel = dir.relativize(f).toString().replace('\\', '/');
            if (rel.startsWith(".") || rel.contains("/.") || rel.endsWith(".md")) {
                continue; // docs and dotfiles are not web resources
            }
            String name = SolutionModel.WEB_RESOURCE_FOLDER + rel;
            WebResourceType type = WebResourceType.forFileName(rel)
                    .orElseThrow(() ->
                            new IOException(label + "/" + rel + ": no Dataverse web resource type for this extension"));
            add(out, new WebResource(name, type, Files.readAllBytes(f), label + "/" + rel));
        }
    }

    private static void add(Map<String, WebResource> out, WebResource w) throws IOException {
        WebResource before = out.putIfAbsent(w.name(), w);
        if (before != null) {
            throw new IOException(
                    "web resource " + w.name() + " comes from both " + before.source() + " and " + w.source());
        }
    }

    /**
     * Builds the client bundle when it is missing or older than its sources, so the Maven build alone yields a
     * complete solution. Needs Node and client/node_modules (./dev installs both first).
     */
    public void ensureClientBuilt() throws IOException, InterruptedException {
        Path client = clientDir();
        Path bundle = client.resolve("dist/signalRadaptor.js");
        if (Files.isRegularFile(bundle) && !newerThan(client, Files.getLastModifiedTime(bundle))) {
            return;
        }
        if (!Files.isDirectory(client.resolve("node_modules"))) {
            throw new IOException("client/dist is missing or stale and client/node_modules is not installed: run "
                    + "'npm ci' in client/ (./dev test and ./dev up do this first)");
        }
        notes.add("built the client bundle (node build.mjs in client/)");
        Process p = new ProcessBuilder("node", "build.mjs")
                .directory(client.toFile())
                .inheritIO()
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("client build did not finish within 5 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IOException("client build failed (node build.mjs in client/, exit " + p.exitValue() + ")");
        }
    }

    private static boolean newerThan(Path client, FileTime time) throws IOException {
        List<Path> roots =
                List.of(client.resolve("src"), client.resolve("build.mjs"), client.resolve("package-lock.json"));
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(root)) {
                boolean newer = s.filter(Files::isRegularFile).anyMatch(f -> {
                    try {
                        return Files.getLastModifiedTime(f).compareTo(time) > 0;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                if (newer) {
                    return true;
                }
            }
        }
        return false;
    }
}
