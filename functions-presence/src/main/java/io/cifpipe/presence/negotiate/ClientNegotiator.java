package io.cifpipe.presence.negotiate;

import io.cifpipe.runtime.signalr.ClientNegotiation;
import java.time.Duration;

/** Mints the SignalR client URL + access token for a user (production: {@code SignalRRestClient::clientNegotiation}). */
@FunctionalInterface
public interface ClientNegotiator {
    ClientNegotiation negotiate(String userId, Duration lifetime);
}
