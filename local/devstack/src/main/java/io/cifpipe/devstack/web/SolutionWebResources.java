package io.cifpipe.devstack.web;

import io.cifpipe.solution.SolutionReader;
import io.cifpipe.solution.WebResource;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /WebResources/<name>}: the web resources of the built Dataverse solution zip
 * (dataverse-solution/target/CifPipe_*.zip), read out of the zip itself, at the paths Dynamics serves them. So the
 * local CIF host loads the panel from the same bytes an admin imports. Re-reads the zip when it changes. Names the
 * solution does not carry, or no built zip, fall through to later routes (and their 404).
 */
public final class SolutionWebResources implements Handler<RoutingContext> {
    public static final String PREFIX = "/WebResources/";

    private static final Logger LOG = LoggerFactory.getLogger(SolutionWebResources.class);

    private final Path solutionDir;
    private volatile boolean warned;
    private Path loadedZip;
    private FileTime loadedAt;
    private Map<String, WebResource> resources = Map.of();

    public SolutionWebResources(Path solutionDir) {
        this.solutionDir = solutionDir;
    }

    /** The solution module's output folder next to client/ (repo root/dataverse-solution/target). */
    public static SolutionWebResources forClientDist(Path clientDist) {
        return new SolutionWebResources(clientDist
                .toAbsolutePath()
                .getParent()
                .getParent()
                .resolve("dataverse-solution")
                .resolve("target"));
    }

    @Override
    public void handle(RoutingContext ctx) {
        String name = URLDecoder.decode(ctx.request().path().substring(PREFIX.length()), StandardCharsets.UTF_8);
        Map<String, WebResource> current;
        try {
            current = current();
        } catch (IOException e) {
            Problem.send(ctx, 500, "Solution zip unreadable", e.getMessage());
            return;
        }
        if (current == null) {
            if (!warned) {
                warned = true;
                LOG.warn(
                        "No CifPipe_*.zip in {}: /WebResources/ serves nothing from the solution; run "
                                + "'mvn -q -pl dataverse-solution -am package -DskipTests' (./dev up builds it)",
                        solutionDir);
            }
            ctx.next();
            return;
        }
        WebResource w = current.get(name);
        if (w == null) {
            // Not part of the solution (e.g. the stand-in for Microsoft's /WebResources/Widget/msdyn_ciLibrary.js).
            ctx.next();
            return;
        }
        ctx.response().putHeader("content-type", w.type().contentType()).end(Buffer.buffer(w.content()));
    }

    /** The resources of the newest unmanaged zip; null when none is built. */
    synchronized Map<String, WebResource> current() throws IOException {
        Optional<Path> zip = SolutionReader.findUnmanagedZip(solutionDir);
        if (zip.isEmpty()) {
            return null;
        }
        FileTime modified = Files.getLastModifiedTime(zip.get());
        if (!zip.get().equals(loadedZip) || !modified.equals(loadedAt)) {
            resources = SolutionReader.webResources(zip.get());
            loadedZip = zip.get();
            loadedAt = modified;
        }
        return resources;
    }
}
