package io.cifpipe.model.validation;

import java.util.List;

/**
 * The one exception type that bad input produces. Carries the {@link ProblemDetails} to return and the
 * HTTP status it maps to: 400 malformed JSON / wrong shape, 413 too large, 415 content type,
 * 422 semantic field errors.
 */
public final class ValidationException extends RuntimeException {
    private final transient ProblemDetails problem;

    public ValidationException(ProblemDetails problem) {
        super(summary(problem));
        this.problem = problem;
    }

    public ProblemDetails problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    public List<FieldError> errors() {
        return problem.errors();
    }

    public static ValidationException malformed(String detail, List<FieldError> errors) {
        return new ValidationException(ProblemType.MALFORMED_JSON.details(detail, errors));
    }

    public static ValidationException malformed(String detail) {
        return malformed(detail, List.of());
    }

    public static ValidationException tooLarge(String detail) {
        return new ValidationException(ProblemType.TOO_LARGE.details(detail));
    }

    public static ValidationException unsupportedMediaType(String detail) {
        return new ValidationException(ProblemType.UNSUPPORTED_MEDIA_TYPE.details(detail));
    }

    public static ValidationException invalid(String detail, List<FieldError> errors) {
        return new ValidationException(ProblemType.INVALID_FIELDS.details(detail, errors));
    }

    public static ValidationException invalid(String pointer, String message) {
        return invalid(message, List.of(new FieldError(pointer, message)));
    }

    private static String summary(ProblemDetails p) {
        StringBuilder sb = new StringBuilder().append(p.status()).append(' ').append(p.title());
        if (p.detail() != null) sb.append(": ").append(p.detail());
        p.errors().stream()
                .limit(5)
                .forEach(e -> sb.append("; ").append(e.pointer()).append(' ').append(e.message()));
        return sb.toString();
    }
}
