package io.cifpipe.model.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.ledger.Availability;
import io.cifpipe.model.validation.FieldError;
import io.cifpipe.model.validation.ValidationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** The argument of hub method {@code setAvailability}: {@code {"availability": "Available"|"Busy"|"DoNotDisturb"|"Away"}}. */
public record AvailabilityRequest(Availability availability) {
    static final String ALLOWED = Arrays.stream(Availability.values())
            .map(a -> "\"" + a.wireName() + "\"")
            .collect(Collectors.joining(", "));

    public AvailabilityRequest {
        Objects.requireNonNull(availability, "availability");
    }

    /** Validates untrusted input (422 with pointers; 400 for a non-object). */
    public static AvailabilityRequest fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw ValidationException.malformed("setAvailability takes one JSON object {\"availability\": ...}");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("availability")) errors.add(new FieldError("/" + f, "unknown field; allowed: availability"));
        }
        JsonNode v = node.get("availability");
        Availability a = null;
        if (v == null || v.isNull()) errors.add(new FieldError("/availability", "is required"));
        else if (!v.isTextual() || (a = Availability.fromWireName(v.textValue()).orElse(null)) == null) {
            errors.add(new FieldError("/availability", "must be one of " + ALLOWED));
        }
        if (!errors.isEmpty()) throw ValidationException.invalid("invalid availability", errors);
        return new AvailabilityRequest(a);
    }
}
