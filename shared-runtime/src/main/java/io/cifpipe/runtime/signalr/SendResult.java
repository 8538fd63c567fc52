package io.cifpipe.runtime.signalr;

/** What SignalR said about one send to a connection. */
public enum SendResult {
    /** 202: the service accepted the message for the connection. */
    SENT,
    /** 404: the connection no longer exists (prune it). */
    GONE
}
