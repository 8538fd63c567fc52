package io.cifpipe.runtime.signalr;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/** Access-key mode: every token is an HS256 JWT signed locally with the AccessKey (see {@link SignalRTokens}). */
public final class AccessKeyAuth implements SignalRAuth {
    private final SignalRTokens tokens;

    public AccessKeyAuth(String accessKey, Clock clock) {
        this.tokens = new SignalRTokens(accessKey, clock);
    }

    @Override
    public String serverToken(URI requestUrl) {
        return tokens.serverToken(requestUrl);
    }

    @Override
    public String clientToken(URI clientUrl, String userId, Duration lifetime) {
        return tokens.clientToken(clientUrl, userId, lifetime);
    }
}
