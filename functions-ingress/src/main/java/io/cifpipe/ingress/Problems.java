package io.cifpipe.ingress;

import io.cifpipe.model.validation.ProblemDetails;
import java.util.List;

/** Problem types ingress adds to the shared-model ones (auth, back-pressure, lookups). */
final class Problems {
    static final String TYPE_UNAUTHORIZED = "urn:cifpipe:problem:unauthorized";
    static final String TYPE_FORBIDDEN = "urn:cifpipe:problem:forbidden";
    static final String TYPE_UNAVAILABLE = "urn:cifpipe:problem:unavailable";
    static final String TYPE_NOT_FOUND = "urn:cifpipe:problem:not-found";

    private Problems() {}

    static ProblemDetails of(String type, String title, int status, String detail, String instance) {
        return new ProblemDetails(type, title, status, detail, instance, List.of());
    }
}
