package io.cifpipe.devstack.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.solution.SolutionModel;
import io.cifpipe.solution.SolutionWriter;
import io.cifpipe.solution.WebResource;
import io.cifpipe.solution.WebResourceType;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /WebResources/* answers with the bytes inside the solution zip; anything else falls through to later routes. */
class SolutionWebResourcesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router r = Router.router(vertx);
        r.get(SolutionWebResources.PREFIX + "*").blockingHandler(new SolutionWebResources(dir));
        // What comes after it in the devstack (other /WebResources/ routes, the static pages, their 404).
        r.route().handler(ctx -> ctx.response().setStatusCode(404).end("not from the solution"));
        server = vertx.createHttpServer()
                .requestHandler(r)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void build(String panel) throws Exception {
        SolutionWriter.writeTo(
                new SolutionModel(
                        "1.2.3.4",
                        false,
                        List.of(
                                new WebResource(
                                        SolutionModel.PANEL_PAGE,
                                        WebResourceType.HTML,
                                        panel.getBytes(StandardCharsets.UTF_8),
                                        "t"),
                                new WebResource(
                                        SolutionModel.SETTINGS_SCRIPT,
                                        WebResourceType.SCRIPT,
                                        "var s;".getBytes(StandardCharsets.UTF_8),
                                        "t")),
                        Optional.empty()),
                dir);
    }

    @Test
    void servesTheZipsBytesAndFollowsRebuilds() throws Exception {
        HttpResponse<String> missing = get("/WebResources/cifpipe_/panel.html");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("not from the solution");

        build("<p>one</p>");
        HttpResponse<String> panel = get("/WebResources/cifpipe_/panel.html");
        assertThat(panel.statusCode()).isEqualTo(200);
        assertThat(panel.body()).isEqualTo("<p>one</p>");
        assertThat(panel.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(get("/WebResources/cifpipe_/settings.js").headers().firstValue("content-type"))
                .hasValue("application/javascript; charset=utf-8");
        assertThat(get("/WebResources/cifpipe_/nothing.js").body()).isEqualTo("not from the solution");
        assertThat(get("/WebResources/Widget/msdyn_ciLibrary.js").body()).isEqualTo("not from the solution");

        Files.setLastModifiedTime(dir.resolve("CifPipe_1_2_3_4.zip"), java.nio.file.attribute.FileTime.fromMillis(0));
        build("<p>two</p>");
        assertThat(get("/WebResources/cifpipe_/panel.html").body()).isEqualTo("<p>two</p>");
    }
}
