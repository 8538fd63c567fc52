package io.cifpipe.harness.proxy;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names what one HTTP request to a stand-in is, so a round-trip count says which operations a path costs. Table
 * Storage requests (Azurite's path-style URLs, {@code /<account>/...}) and SignalR data-plane REST requests
 * ({@code /api[/v1]/hubs/<hub>/...}) are told apart by their method, path and conditional headers.
 */
public final class RequestClass {
    /** Which service a {@link CountingProxy} stands in front of. */
    public enum Service {
        TABLE,
        SIGNALR
    }

    public static final String TABLE_READ = "table entity read";
    public static final String TABLE_QUERY = "table query";
    public static final String TABLE_INSERT = "table entity insert";
    public static final String TABLE_UPDATE = "table entity update (If-Match)";
    public static final String TABLE_UPSERT = "table entity upsert";
    public static final String TABLE_DELETE = "table entity delete";
    public static final String TABLE_BATCH = "table batch";
    public static final String TABLE_ADMIN = "table create/list";
    public static final String SIGNALR_HEAD_USER = "signalr HEAD user";
    public static final String SIGNALR_POST_USER = "signalr POST user";
    public static final String SIGNALR_HEAD_CONNECTION = "signalr HEAD connection";
    public static final String SIGNALR_POST_CONNECTION = "signalr POST connection";
    public static final String SIGNALR_DELETE_CONNECTION = "signalr DELETE connection";
    public static final String SIGNALR_BROADCAST = "signalr POST hub";
    public static final String OTHER = "other";

    private static final Pattern ENTITY_KEYS = Pattern.compile("^[^/()]+\\(PartitionKey=.*,RowKey=.*\\)$");
    private static final Pattern TABLE_SET = Pattern.compile("^[^/()]+(\\(\\))?$");

    private RequestClass() {}

    /** Classifies one request; {@code ifMatch} is the If-Match header (null when absent). */
    public static String of(Service service, String method, String rawPath, String ifMatch) {
        String m = method.toUpperCase(Locale.ROOT);
        String path = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
        return service == Service.TABLE ? table(m, path, ifMatch) : signalR(m, path);
    }

    private static String table(String m, String path, String ifMatch) {
        // Azurite: /<account>/<resource>; strip the account segment.
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        String resource = slash < 0 ? "" : decode(p.substring(slash + 1));
        if (resource.equals("$batch")) return TABLE_BATCH;
        if (resource.startsWith("Tables")) return TABLE_ADMIN;
        if (ENTITY_KEYS.matcher(resource).matches()) {
            return switch (m) {
                case "GET" -> TABLE_READ;
                case "DELETE" -> TABLE_DELETE;
                case "PUT", "MERGE", "PATCH" -> ifMatch == null || ifMatch.isBlank() ? TABLE_UPSERT : TABLE_UPDATE;
                default -> OTHER;
            };
        }
        if (TABLE_SET.matcher(resource).matches()) {
            return switch (m) {
                case "GET" -> TABLE_QUERY;
                case "POST" -> TABLE_INSERT;
                default -> OTHER;
            };
        }
        return OTHER;
    }

    private static String signalR(String m, String path) {
        // /api[/v1]/hubs/<hub>[/users/<u>|/connections/<c>][/:send]
        String p = path.replaceFirst("^/api(/v1)?/hubs/[^/]+", "").replaceFirst("/:send$", "");
        String[] s = p.isEmpty() ? new String[0] : p.substring(1).split("/");
        if (s.length == 0) return m.equals("POST") ? SIGNALR_BROADCAST : OTHER;
        if (s.length == 2 && s[0].equals("users")) {
            return switch (m) {
                case "HEAD", "GET" -> SIGNALR_HEAD_USER;
                case "POST" -> SIGNALR_POST_USER;
                default -> OTHER;
            };
        }
        if (s.length == 2 && s[0].equals("connections")) {
            return switch (m) {
                case "HEAD", "GET" -> SIGNALR_HEAD_CONNECTION;
                case "POST" -> SIGNALR_POST_CONNECTION;
                case "DELETE" -> SIGNALR_DELETE_CONNECTION;
                default -> OTHER;
            };
        }
        return OTHER;
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
}
