package io.cifpipe.presence.userclient;

import io.cifpipe.runtime.signalr.AccessKeyAuth;
import io.cifpipe.runtime.signalr.SignalRAuth;
import io.cifpipe.runtime.signalr.SignalRConnectionString;
import io.cifpipe.runtime.signalr.SignalRException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * Proves connection ownership with the data-plane REST API, which has no "user of connection" query: put the
 * connection alone into a fresh group, ask whether the user is in that group ({@code HEAD
 * /users/{u}/groups/{g}}: true only if one of the user's connections is a member, and the only member is ours),
 * then remove it again. Three small calls, only on the rare path where the registry does not know the
 * connection yet (userclient racing the connected event, or a lost connected event).
 */
public final class SignalROwnershipProbe implements ConnectionOwnership {
    private static final String API_VERSION = "2022-06-01";

    private final SignalRConnectionString connection;
    private final String hub;
    private final SignalRAuth auth;
    private final HttpClient http;
    private final Duration timeout = Duration.ofSeconds(10);

    public SignalROwnershipProbe(String connectionString, String hub, Clock clock) {
        this(SignalRConnectionString.parse(connectionString), hub, null, clock);
    }

    /** Shares the app's SignalR auth (access key or Entra); {@code auth} null = access-key mode from the string. */
    public SignalROwnershipProbe(SignalRConnectionString connection, String hub, SignalRAuth auth, Clock clock) {
        this.connection = connection;
        this.hub = hub.toLowerCase(Locale.ROOT);
        this.auth = auth != null ? auth : new AccessKeyAuth(connection.accessKey(), clock);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    public boolean belongsTo(String connectionId, String userId) {
        String group = "ownership-probe-" + UUID.randomUUID();
        String membership = "/groups/" + enc(group) + "/connections/" + enc(connectionId);
        int added = call("PUT", membership);
        if (added == 404) {
            return false; // no such connection
        }
        expect(added, "add connection to probe group", 200, 202);
        try {
            int inGroup = call("HEAD", "/users/" + enc(userId) + "/groups/" + enc(group));
            expect(inGroup, "check user in probe group", 200, 404);
            return inGroup == 200;
        } finally {
            try {
                call("DELETE", membership);
            } catch (SignalRException ignored) {
                // the probe group is empty of any meaning; a leftover membership ends with the connection
            }
        }
    }

    private int call(String method, String path) {
        URI url = URI.create(
                connection.serverEndpoint() + "/api/hubs/" + enc(hub) + path + "?api-version=" + API_VERSION);
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Authorization", "Bearer " + auth.serverToken(url))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new SignalRException("SignalR ownership probe failed: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignalRException("SignalR ownership probe interrupted", 0, e);
        }
    }

    private static void expect(int status, String what, int... ok) {
        for (int s : ok) {
            if (s == status) {
                return;
            }
        }
        throw new SignalRException("SignalR " + what + " answered HTTP " + status, status, null);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
