package io.cifpipe.model.validation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every RFC 9457 problem type the pipeline's HTTP endpoints answer with: the one list clients switch on. The type
 * URI ({@code urn:cifpipe:problem:<slug>}), title and status of a constant are a contract: never rename or re-use a
 * slug; add a constant (and a row to the table in {@code shared-runtime/README.md}) for a new client remedy.
 *
 * <p>Rule for a new type: one type per thing the client must do differently. So every 503 is {@link #UNAVAILABLE}
 * (retry after {@code Retry-After}, whichever dependency failed; the detail names it), and a valid token lacking the
 * scope or app role is {@link #INSUFFICIENT_SCOPE} (RFC 6750's {@code insufficient_scope}, which the
 * {@code WWW-Authenticate} header of the same answer carries), distinct from the other 403s whose remedies differ.
 * Defined here rather than in shared-runtime because the model's own validation ({@link ValidationException})
 * produces problems; shared-runtime's {@code http} package turns them into replies.
 */
public enum ProblemType {
    /** 400: the body is not JSON, or not the JSON shape the endpoint takes (wrong member types). Fix the request. */
    MALFORMED_JSON("malformed-json", "Malformed request body", 400),
    /** 401: bearer token missing, malformed, expired or for another issuer/audience. Get a new token. */
    UNAUTHORIZED("unauthorized", "Unauthorized", 401),
    /** 403: a valid token without the required scope ({@code Calls.Receive}) or app role ({@code Calls.Send}). */
    INSUFFICIENT_SCOPE("insufficient-scope", "Insufficient scope", 403),
    /** 403: the SignalR connection id named in {@code /api/userclient} belongs to another user. Reconnect. */
    NOT_YOUR_CONNECTION("not-your-connection", "Not your connection", 403),
    /** 403: CORS preflight from an origin or with a method not on the allow-list ({@code AllowedOrigins}). */
    CORS("cors", "CORS preflight refused", 403),
    /** 404: nothing is recorded under the id in the path (yet). */
    NOT_FOUND("not-found", "Not Found", 404),
    /** 413: the body (or the batch it makes) is over the size limit. Send fewer or smaller events. */
    TOO_LARGE("too-large", "Payload too large", 413),
    /** 415: {@code Content-Type} is not one the endpoint takes. */
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
    /** 422: well-formed JSON with field values that break the contract; {@code errors} lists JSON pointers. */
    INVALID_FIELDS("invalid-fields", "Invalid fields", 422),
    /** 503: a dependency (Service Bus, Table Storage, SignalR Service, Entra ID keys) is unreachable or throttling. */
    UNAVAILABLE("unavailable", "Service Unavailable", 503),

    // Answers to Azure SignalR Service's upstream calls (the service, not a client, reads these).
    /** 401: upstream request without a valid signature or upstream token. */
    UPSTREAM_SIGNATURE("upstream-signature", "Unauthorized", 401),
    /** 400: the upstream route does not match the {@code X-ASRS-*} headers. */
    UPSTREAM_ROUTE_MISMATCH("upstream-route-mismatch", "Bad Request", 400),
    /** 400: the upstream body is not the shape SignalR Service sends. */
    BAD_UPSTREAM_REQUEST("bad-upstream-request", "Bad Request", 400),
    /** 404: an upstream event or hub method this app does not handle. */
    UNKNOWN_UPSTREAM_EVENT("unknown-upstream-event", "Not Found", 404),
    /** 403: the upstream {@code connected} event is refused (the connection is aborted). */
    CONNECTION_REFUSED("connection-refused", "Forbidden", 403),
    /** 405: an HTTP method the endpoint does not take. */
    METHOD_NOT_ALLOWED("method-not-allowed", "Method Not Allowed", 405);

    public static final String URI_PREFIX = "urn:cifpipe:problem:";

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    /** The stable type URI clients switch on, e.g. {@code urn:cifpipe:problem:unavailable}. */
    public String uri() {
        return URI_PREFIX + slug;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }

    /** A problem of this type; {@code detail} explains this occurrence (never a secret). */
    public ProblemDetails details(String detail) {
        return details(detail, List.of());
    }

    public ProblemDetails details(String detail, List<FieldError> errors) {
        return new ProblemDetails(uri(), title, status, detail, null, errors);
    }

    /** The constant for a type URI, if it is one of ours. */
    public static Optional<ProblemType> fromUri(String uri) {
        if (uri == null || !uri.startsWith(URI_PREFIX)) {
            return Optional.empty();
        }
        String slug = uri.substring(URI_PREFIX.length()).toLowerCase(Locale.ROOT);
        for (ProblemType t : values()) {
            if (t.slug.equals(slug)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
