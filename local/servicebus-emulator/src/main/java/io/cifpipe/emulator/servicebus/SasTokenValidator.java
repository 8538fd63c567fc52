package io.cifpipe.emulator.servicebus;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Validates Service Bus SAS tokens the way the service does:
 * {@code SharedAccessSignature sr=<enc(uri)>&sig=<enc(base64 hmac)>&se=<epoch s>&skn=<key name>}, where the HMAC-SHA256
 * key is the UTF-8 bytes of the key string and the signed text is the still-encoded {@code sr} + "\n" + {@code se}.
 * Hand-written because no library validates Service Bus SAS tokens server-side.
 */
final class SasTokenValidator {

    /** A successfully validated token. */
    record Grant(String scope, Set<AccessRight> rights, Instant expiresAt, String keyName) {}

    /** Why a token was refused; the message is safe to send to the client (no secrets). */
    static final class RejectedTokenException extends Exception {
        RejectedTokenException(String message) {
            super(message);
        }
    }

    private static final String PREFIX = "SharedAccessSignature ";
    private final Map<String, SharedAccessKey> keysByName;
    private final Clock clock;

    SasTokenValidator(Iterable<SharedAccessKey> keys, Clock clock) {
        this.keysByName = new HashMap<>();
        for (SharedAccessKey key : keys) {
            keysByName.put(key.name(), key);
        }
        this.clock = clock;
    }

    /**
     * Validates {@code token} for {@code audience} (e.g. {@code amqp://host/queue}).
     *
     * @throws RejectedTokenException with a client-safe reason when the token is not valid for the audience
     */
    Grant validate(String token, String audience) throws RejectedTokenException {
        if (token == null || !token.startsWith(PREFIX)) {
            throw new RejectedTokenException("The token is not a SharedAccessSignature.");
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : token.substring(PREFIX.length()).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq).toLowerCase(Locale.ROOT), pair.substring(eq + 1));
            }
        }
        String encodedResource = fields.get("sr");
        String signature = fields.get("sig");
        String expiry = fields.get("se");
        String keyName = fields.get("skn");
        if (encodedResource == null || signature == null || expiry == null || keyName == null) {
            throw new RejectedTokenException("The token is missing sr, sig, se or skn.");
        }
        keyName = decode(keyName);
        SharedAccessKey key = keysByName.get(keyName);
        if (key == null) {
            throw new RejectedTokenException("The key name in the token is not a known shared access policy.");
        }
        long expirySeconds;
        try {
            expirySeconds = Long.parseLong(expiry);
        } catch (NumberFormatException e) {
            throw new RejectedTokenException("The token expiry (se) is not a number.");
        }
        byte[] expected = hmac(key.key(), encodedResource + "\n" + expiry);
        byte[] given;
        try {
            given = Base64.getDecoder().decode(decode(signature));
        } catch (IllegalArgumentException e) {
            throw new RejectedTokenException("The token signature is not base64.");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new RejectedTokenException("The token signature is invalid.");
        }
        Instant expiresAt = Instant.ofEpochSecond(expirySeconds);
        if (!expiresAt.isAfter(clock.instant())) {
            throw new RejectedTokenException("The token has expired.");
        }
        String scope = decode(encodedResource);
        if (!covers(scope, audience)) {
            throw new RejectedTokenException("The token audience does not cover '" + audience + "'.");
        }
        return new Grant(normalisedPath(scope), key.rights(), expiresAt, keyName);
    }

    /** True when {@code scope} (the token's sr) covers {@code audience}: same host, path prefix at a segment boundary. */
    static boolean covers(String scope, String audience) {
        String scopeHost = host(scope);
        String audienceHost = host(audience);
        if (scopeHost != null && audienceHost != null && !scopeHost.equalsIgnoreCase(audienceHost)) {
            return false;
        }
        return pathCovers(normalisedPath(scope), normalisedPath(audience));
    }

    /** Path prefix test at a '/' boundary; an empty scope covers the namespace. */
    static boolean pathCovers(String scopePath, String entityPath) {
        return scopePath.isEmpty() || entityPath.equals(scopePath) || entityPath.startsWith(scopePath + "/");
    }

    /** Lower-cased entity path of an sb://, amqp:// or https:// URI, or of a bare path; no leading/trailing '/'. */
    static String normalisedPath(String uriOrPath) {
        String path = uriOrPath;
        int scheme = uriOrPath.indexOf("://");
        if (scheme >= 0) {
            int slash = uriOrPath.indexOf('/', scheme + 3);
            path = slash < 0 ? "" : uriOrPath.substring(slash);
        }
        path = path.toLowerCase(Locale.ROOT);
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static String host(String uri) {
        if (!uri.contains("://")) {
            return null;
        }
        try {
            return URI.create(uri.replace(" ", "%20")).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String decode(String value) throws RejectedTokenException {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RejectedTokenException("The token is not correctly URL-encoded.");
        }
    }

    static byte[] hmac(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
