package io.cifpipe.runtime.signalr;

import java.net.URI;
import java.time.Duration;

/**
 * How this app authenticates to SignalR Service's data plane, and how it obtains the client access tokens negotiate
 * hands out. Two modes, chosen by the connection string: {@link AccessKeyAuth} (HS256 tokens signed with the
 * AccessKey) and {@link EntraAuth} ({@code AuthType=azure.msi}: Entra bearer tokens for the data plane, client tokens
 * from the service's {@code :generateToken} operation, so no key exists in the app at all).
 */
public interface SignalRAuth {

    /** The bearer token for a data-plane REST request to {@code requestUrl}. */
    String serverToken(URI requestUrl);

    /** A client access token for {@code clientUrl} ({@code <client endpoint>/client/?hub=<hub>}) bound to {@code userId}. */
    String clientToken(URI clientUrl, String userId, Duration lifetime);
}
