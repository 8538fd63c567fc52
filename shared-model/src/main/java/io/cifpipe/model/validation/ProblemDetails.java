package io.cifpipe.model.validation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.cifpipe.model.json.Json;
import java.util.List;

/**
 * RFC 9457 problem details, with an {@code errors} extension member listing field-level failures.
 * Serialise with {@link #toJson()} and send with {@link #MEDIA_TYPE}. Build them from a {@link ProblemType}, the one
 * list of type URIs clients switch on.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProblemDetails(
        String type, String title, int status, String detail, String instance, List<FieldError> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public ProblemDetails {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public ProblemDetails withInstance(String newInstance) {
        return new ProblemDetails(type, title, status, detail, newInstance, errors);
    }

    public String toJson() {
        try {
            return Json.mapper().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem details are always serialisable", e);
        }
    }
}
