package io.cifpipe.presence.userclient;

/** Asks SignalR Service whether a live connection was opened by a given user. */
@FunctionalInterface
public interface ConnectionOwnership {
    /**
     * @return true if the connection exists and its user id is {@code userId}
     * @throws io.cifpipe.runtime.signalr.SignalRException if the service could not answer
     */
    boolean belongsTo(String connectionId, String userId);
}
