package io.cifpipe.emulator.signalr;

import java.util.List;

/**
 * What the service knows about a client connection from its negotiate: the internal (lower-case) hub, the public
 * connection id, the user id (null if anonymous), the token's claims as {@code type: value} strings and the raw
 * client query (with a leading {@code ?}, the access token removed).
 */
record ConnectionInfo(String hub, String connectionId, String userId, List<String> claims, String clientQuery) {}
