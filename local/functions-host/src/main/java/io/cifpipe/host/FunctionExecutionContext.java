package io.cifpipe.host;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.RetryContext;
import com.microsoft.azure.functions.RpcException;
import com.microsoft.azure.functions.TraceContext;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/** {@link ExecutionContext} for one invocation; the JUL logger forwards to slf4j with the invocation id. */
final class FunctionExecutionContext implements ExecutionContext {
    /** W3C trace-context version 00, compiled once: every invocation checks its trigger's traceparent. */
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String functionName;
    private final String invocationId = UUID.randomUUID().toString();
    private final Logger logger;
    private final TraceContext trace;
    private final RetryContext retry;

    FunctionExecutionContext(String appName, String functionName, String traceparent, RetryContext retry) {
        this.functionName = functionName;
        this.logger = julLogger(appName, functionName, invocationId);
        String tp = traceparent != null && TRACEPARENT.matcher(traceparent).matches() ? traceparent : newTraceparent();
        this.trace = new Trace(tp);
        this.retry = retry;
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getInvocationId() {
        return invocationId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public TraceContext getTraceContext() {
        return trace;
    }

    @Override
    public RetryContext getRetryContext() {
        return retry;
    }

    static String newTraceparent() {
        byte[] t = new byte[16];
        byte[] s = new byte[8];
        RANDOM.nextBytes(t);
        RANDOM.nextBytes(s);
        return "00-" + HexFormat.of().formatHex(t) + "-" + HexFormat.of().formatHex(s) + "-01";
    }

    private static Logger julLogger(String app, String function, String invocationId) {
        Logger jul = Logger.getAnonymousLogger();
        jul.setUseParentHandlers(false);
        jul.setLevel(Level.ALL);
        org.slf4j.Logger target = LoggerFactory.getLogger("function." + app + "." + function);
        jul.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                String msg = "[" + invocationId + "] " + (r.getMessage() == null ? "" : r.getMessage());
                int level = r.getLevel().intValue();
                if (level >= Level.SEVERE.intValue()) target.error(msg, r.getThrown());
                else if (level >= Level.WARNING.intValue()) target.warn(msg, r.getThrown());
                else if (level >= Level.INFO.intValue()) target.info(msg, r.getThrown());
                else target.debug(msg, r.getThrown());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        return jul;
    }

    private record Trace(String getTraceparent) implements TraceContext {
        @Override
        public String getTracestate() {
            return "";
        }

        @Override
        public Map<String, String> getAttributes() {
            return Map.of();
        }
    }

    /** Retry state of a timer invocation with a retry policy. */
    record Retry(int getRetrycount, int getMaxretrycount, RpcException getException) implements RetryContext {
        static Retry of(int count, int max, Throwable previous) {
            return new Retry(count, max, previous == null ? null : new Failure(previous));
        }
    }

    private record Failure(Throwable t) implements RpcException {
        @Override
        public String getSource() {
            return t.getClass().getName();
        }

        @Override
        public String getStacktrace() {
            var sw = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(sw));
            return sw.toString();
        }

        @Override
        public String getMessage() {
            return t.getMessage();
        }
    }
}
