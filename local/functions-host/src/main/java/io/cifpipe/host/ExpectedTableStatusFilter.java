package io.cifpipe.host;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.regex.Pattern;
import org.slf4j.Marker;

/**
 * Drops the Tables SDK's own log line for the statuses the apps expect and handle: 404 (row absent: point reads,
 * deletes of a row already gone), 409 (insert of a row that exists: idempotent creates) and 412 (ETag mismatch: the
 * optimistic-concurrency retry). The SDK logs each at ERROR before throwing, about once per call; the apps decide
 * what such an exception means and log it themselves. Every other status, and every other logger, passes.
 *
 * <p>Registered in the host's logback configurations; on Azure the apps ship no SLF4J backend, so the SDK's
 * fallback logger stays silent unless {@code AZURE_LOG_LEVEL} is set.
 */
public final class ExpectedTableStatusFilter extends TurboFilter {
    static final String TABLES_LOGGER_PREFIX = "com.azure.data.tables";
    private static final Pattern EXPECTED = Pattern.compile("(?s).*\\b[Ss]tatus code (404|409|412)\\b.*");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null
                || !logger.getName().startsWith(TABLES_LOGGER_PREFIX)
                || level == null
                || !level.isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        if (matches(format) || (t != null && matches(t.getMessage()))) {
            return FilterReply.DENY;
        }
        if (params != null) {
            for (Object p : params) {
                if ((p instanceof String s && matches(s)) || (p instanceof Throwable e && matches(e.getMessage()))) {
                    return FilterReply.DENY;
                }
            }
        }
        return FilterReply.NEUTRAL;
    }

    private static boolean matches(String s) {
        return s != null && EXPECTED.matcher(s).matches();
    }
}
