package io.cifpipe.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds the test Functions app folder the way azure-functions-maven-plugin lays it out: function.json
 * fixtures + host.json + local.settings.json from src/test/resources/testapp, the app jar (testapp.jar,
 * made from the compiled io.cifpipe.host.testapp classes) and lib/ holding the Functions library jar,
 * which the host must exclude.
 */
final class TestApp {
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestApp() {}

    static Path create(Path dir) throws Exception {
        Path fixtures = Path.of(resource("testapp"));
        try (Stream<Path> files = Files.walk(fixtures)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(fixtures.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path classes = Path.of(resource("io/cifpipe/host/testapp"))
                .getParent()
                .getParent()
                .getParent()
                .getParent();
        try (OutputStream out = Files.newOutputStream(dir.resolve("testapp.jar"));
                JarOutputStream jar = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes.resolve("io/cifpipe/host/testapp"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, jar);
                jar.closeEntry();
            }
        }
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path library = Path.of(HttpTrigger.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Files.copy(library, lib.resolve("azure-functions-java-library-3.1.0.jar"));
        return dir;
    }

    private static URI resource(String name) throws URISyntaxException {
        return TestApp.class.getClassLoader().getResource(name).toURI();
    }

    static HttpResponse<String> get(String url, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
    }

    static HttpResponse<String> post(String url, String body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    static HttpResponse<String> send(HttpRequest.Builder b, String... headers) {
        if (headers.length > 0) b.headers(headers);
        try {
            return HTTP.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls the app's GET /api/recorded until an event matches (bounded: 20 s). */
    static JsonNode awaitRecorded(String baseUrl, Predicate<JsonNode> match) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode e : recorded(baseUrl)) if (match.test(e)) return e;
            Thread.sleep(50);
        }
        throw new AssertionError("no recorded event matched within 20 s; recorded: " + recorded(baseUrl));
    }

    static List<JsonNode> recorded(String baseUrl) throws IOException {
        JsonNode all = HostJson.MAPPER.readTree(get(baseUrl + "/api/recorded").body());
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        all.forEach(out::add);
        return out;
    }
}
