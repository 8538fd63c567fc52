package io.cifpipe.emulator.signalr;

/**
 * Where the emulator gets the token it sends upstream for templates with managed-identity auth: Azure SignalR asks
 * Entra for a token of its own managed identity for the template's resource. Locally that is the stack's Entra
 * provider. Called off the event loop; implementations cache as they see fit.
 */
@FunctionalInterface
public interface UpstreamTokenSource {
    /** An access token whose {@code aud} is {@code resource}. */
    String token(String resource) throws Exception;
}
