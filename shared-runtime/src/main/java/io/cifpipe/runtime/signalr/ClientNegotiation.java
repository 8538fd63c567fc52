package io.cifpipe.runtime.signalr;

/** The negotiate answer a Functions app returns to a SignalR client: exactly {@code url} and {@code accessToken}. */
public record ClientNegotiation(String url, String accessToken) {}
