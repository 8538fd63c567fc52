package io.cifpipe.emulator.signalr;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts connection events and client invocations to the configured upstream (the Functions SignalR webhook) with the
 * headers Azure sends.
 *
 * <p>Retry policy (emulator's own, kept simple because no SignalR upstream retry contract could be verified): a request
 * is retried with exponential backoff only when it certainly did not run the function — connection failures — or the
 * upstream says "try again" (408, 429, 502, 503, 504). 500 is never retried: the Functions host answers 500 when the
 * function itself failed or timed out, and re-running a non-idempotent invocation would be wrong.
 */
final class Upstream {
    static final String CONNECTIONS = "connections";
    static final String MESSAGES = "messages";
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 502, 503, 504);

    /** An HTTP answer from the upstream. */
    record Reply(int status, Buffer body) {}

    /** No template matches, or the upstream could not be reached after the retries. */
    static final class UpstreamException extends Exception {
        UpstreamException(String message) {
            super(message);
        }
    }

    private final Vertx vertx;
    private final WebClient client;
    private final List<UpstreamTemplate> templates;
    private final String accessKey;
    private final UpstreamTokenSource tokenSource;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration timeout;

    Upstream(
            Vertx vertx,
            WebClient client,
            List<UpstreamTemplate> templates,
            String accessKey,
            UpstreamTokenSource tokenSource,
            int maxAttempts,
            Duration initialBackoff,
            Duration timeout) {
        this.vertx = vertx;
        this.client = client;
        this.templates = List.copyOf(templates);
        this.accessKey = accessKey;
        this.tokenSource = tokenSource;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.initialBackoff = initialBackoff;
        this.timeout = timeout;
    }

    Optional<String> urlFor(String hub, String category, String event) {
        return templates.stream()
                .filter(t -> t.matches(hub, category, event))
                .findFirst()
                .map(t -> t.expand(hub, category, event));
    }

    Future<Reply> post(ConnectionInfo connection, String category, String event, Buffer body) {
        Optional<UpstreamTemplate> template = templates.stream()
                .filter(t -> t.matches(connection.hub(), category, event))
                .findFirst();
        if (template.isEmpty()) {
            return Future.failedFuture(new UpstreamException("No upstream is configured for hub '" + connection.hub()
                    + "', category '" + category + "', event '" + event + "'"));
        }
        String url = template.get().expand(connection.hub(), category, event);
        String resource = template.get().authResource();
        if (resource == null) {
            Promise<Reply> promise = Promise.promise();
            attempt(url, null, connection, category, event, body, 1, promise);
            return promise.future();
        }
        if (tokenSource == null) {
            return Future.failedFuture(
                    new UpstreamException("Invocation failed, no managed identity token source configured"));
        }
        // Token endpoints are blocking HTTP calls: off the event loop.
        return vertx.<String>executeBlocking(() -> tokenSource.token(resource), false)
                .recover(e -> {
                    LOG.warn("upstream token for resource {} could not be obtained: {}", resource, e.toString());
                    return Future.failedFuture(
                            new UpstreamException("Invocation failed, managed identity token unavailable"));
                })
                .compose(token -> {
                    Promise<Reply> promise = Promise.promise();
                    attempt(url, token, connection, category, event, body, 1, promise);
                    return promise.future();
                });
    }

    private void attempt(
            String url,
            String bearer,
            ConnectionInfo c,
            String category,
            String event,
            Buffer body,
            int attempt,
            Promise<Reply> promise) {
        HttpRequest<Buffer> request;
        try {
            request = client.postAbs(url).timeout(timeout.toMillis());
        } catch (RuntimeException e) {
            promise.fail(new UpstreamException("Invalid upstream URL: " + e.getMessage()));
            return;
        }
        request.putHeader("Content-Type", "application/json")
                .putHeader("X-ASRS-Connection-Id", c.connectionId())
                .putHeader("X-ASRS-Hub", c.hub())
                .putHeader("X-ASRS-Category", category)
                .putHeader("X-ASRS-Event", event)
                .putHeader("X-ASRS-Client-Query", c.clientQuery())
                .putHeader("X-ASRS-Signature", UpstreamSignature.of(accessKey, c.connectionId()));
        if (c.userId() != null) {
            request.putHeader("X-ASRS-User-Id", c.userId());
        }
        if (bearer != null) {
            request.putHeader("Authorization", "Bearer " + bearer);
        }
        if (!c.claims().isEmpty()) {
            request.putHeader("X-ASRS-User-Claims", String.join(", ", c.claims()));
        }
        request.sendBuffer(body).onComplete(ar -> {
            boolean connectFailure = ar.failed()
                    && !(ar.cause() instanceof java.util.concurrent.TimeoutException)
                    && !String.valueOf(ar.cause().getMessage()).contains("timeout");
            boolean retryableStatus =
                    ar.succeeded() && RETRYABLE.contains(ar.result().statusCode());
            if ((connectFailure || retryableStatus) && attempt < maxAttempts) {
                long delay = initialBackoff.toMillis() << (attempt - 1);
                LOG.warn(
                        "upstream {}/{} for connection {} failed ({}), retry {} of {} in {} ms",
                        category,
                        event,
                        c.connectionId(),
                        ar.failed()
                                ? ar.cause().toString()
                                : "status " + ar.result().statusCode(),
                        attempt,
                        maxAttempts - 1,
                        delay);
                vertx.setTimer(
                        Math.max(1, delay), t -> attempt(url, bearer, c, category, event, body, attempt + 1, promise));
                return;
            }
            if (ar.failed()) {
                LOG.warn(
                        "upstream {}/{} for connection {} failed: {}",
                        category,
                        event,
                        c.connectionId(),
                        ar.cause().toString());
                promise.fail(new UpstreamException("Invocation failed, upstream unreachable"));
            } else {
                int status = ar.result().statusCode();
                if (status >= 300) {
                    LOG.warn("upstream {}/{} for connection {} answered {}", category, event, c.connectionId(), status);
                }
                Buffer responseBody = ar.result().body();
                promise.complete(new Reply(status, responseBody == null ? Buffer.buffer() : responseBody));
            }
        });
    }
}
