package io.cifpipe.model.validation;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Format rules shared by the codec, the records and the table mappings. Each check returns
 * {@code null} when the value is fine, or a short reason.
 */
public final class Rules {
    private Rules() {}

    /** Max length of call, agent and event ids (Service Bus MessageId allows 128). */
    public static final int MAX_ID_LENGTH = 128;
    /**
     * Ids (event id, callId, agentId): printable ASCII letters/digits and {@code . _ : @ + = -}, starting
     * with a letter or digit. No spaces, control characters, '/', '#', '?', '\' (illegal in Table keys)
     * or CR/LF (header injection); '~' is excluded because notification ids use it as separator.
     */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}");
    /** E.164: '+', a non-zero country code digit, at most 15 digits in total. */
    public static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    /** W3C trace context traceparent (version ff is invalid; all-zero ids are invalid). */
    public static final Pattern TRACEPARENT =
            Pattern.compile("(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    /** RFC 3339 date-time (what JSON Schema's "date-time" format means). */
    private static final Pattern RFC3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");
    /** CloudEvents 1.0: extension attribute names are lower-case letters/digits; 20 chars is the SHOULD limit. */
    public static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");

    public static String checkId(String v) {
        if (v == null) return "is required";
        if (v.isEmpty()) return "must not be empty";
        if (v.length() > MAX_ID_LENGTH) return "must be at most " + MAX_ID_LENGTH + " characters";
        if (!ID.matcher(v).matches()) {
            return "must start with a letter or digit and contain only letters, digits and . _ : @ + = -";
        }
        return null;
    }

    /** Phone numbers: E.164 when they claim it with a leading '+', otherwise a short printable dial string. */
    public static String checkPhoneNumber(String v) {
        if (v == null) return null;
        if (v.isEmpty()) return "must not be empty (omit the field instead)";
        if (v.startsWith("+")) {
            return E164.matcher(v).matches()
                    ? null
                    : "starts with '+' so must be E.164: '+' then 2 to 15 digits, first digit not 0";
        }
        return checkText(v, 64);
    }

    /** Free text shown to an agent: bounded, no control characters. */
    public static String checkText(String v, int max) {
        if (v == null) return null;
        if (v.length() > max) return "must be at most " + max + " characters";
        if (hasControlChar(v)) return "must not contain control characters";
        return null;
    }

    public static boolean hasControlChar(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') return true;
        }
        return false;
    }

    public static String checkTraceparent(String v) {
        if (v == null) return null;
        return TRACEPARENT.matcher(v).matches()
                ? null
                : "must be a W3C traceparent: 2 hex version (not ff), 32 hex trace id, 16 hex parent id, 2 hex flags, "
                        + "lower case, separated by '-', ids not all zero";
    }

    /** Parses RFC 3339 strictly; returns null when invalid. */
    public static Instant parseRfc3339(String v) {
        if (v == null || v.length() > 40 || !RFC3339.matcher(v).matches()) return null;
        try {
            return OffsetDateTime.parse(v.toUpperCase(Locale.ROOT)).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Azure Table PartitionKey/RowKey rule: at most 1 KiB, no '/', '\', '#', '?', control characters.
     * Returns the value or throws {@link IllegalArgumentException}.
     */
    public static String requireTableKey(String name, String v) {
        if (v == null || v.isEmpty()) throw new IllegalArgumentException(name + " is required");
        if (v.length() > 512) throw new IllegalArgumentException(name + " is longer than 512 characters");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '/' || c == '\\' || c == '#' || c == '?' || Character.isISOControl(c)) {
                throw new IllegalArgumentException(name + " contains a character not allowed in a table key");
            }
        }
        return v;
    }
}
