package io.cifpipe.ops;

import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;

/** Turns SDK failures into one plain sentence and an exit code, without stack traces or secrets. */
final class Errors {
    private Errors() {}

    static int exitCode(Throwable t) {
        ServiceBusFailureReason reason = reasonOf(t);
        if (reason == null) return causedByUnreachable(t) ? OpsCli.Exit.UNREACHABLE : OpsCli.Exit.PARTIAL;
        if (reason == ServiceBusFailureReason.UNAUTHORIZED) return OpsCli.Exit.AUTH;
        if (reason == ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND) return OpsCli.Exit.NOT_FOUND;
        if (reason == ServiceBusFailureReason.SERVICE_COMMUNICATION_ERROR
                || reason == ServiceBusFailureReason.SERVICE_TIMEOUT
                || reason == ServiceBusFailureReason.SERVICE_BUSY) return OpsCli.Exit.UNREACHABLE;
        return OpsCli.Exit.PARTIAL;
    }

    static String describe(Throwable t) {
        ServiceBusFailureReason reason = reasonOf(t);
        if (reason == ServiceBusFailureReason.UNAUTHORIZED)
            return "not authorised: check the key name/key in the connection string, or the identity's Service Bus data roles";
        if (reason == ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND)
            return "queue not found: check --queue (and that the namespace is the right one)";
        if (exitCode(t) == OpsCli.Exit.UNREACHABLE)
            return "cannot reach the Service Bus namespace: check the endpoint and that it is running ("
                    + rootMessage(t) + ")";
        return rootMessage(t);
    }

    private static ServiceBusFailureReason reasonOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ServiceBusException sbe) return sbe.getReason();
        }
        return null;
    }

    private static boolean causedByUnreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException
                    || c instanceof java.net.UnknownHostException
                    || c instanceof java.util.concurrent.TimeoutException) return true;
            if (c instanceof AmqpException a && a.isTransient()) return true;
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m;
    }
}
