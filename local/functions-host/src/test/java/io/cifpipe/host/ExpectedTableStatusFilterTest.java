package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

/**
 * Expected Table statuses (404/409/412) from the Tables SDK's loggers are dropped; other statuses, other loggers and
 * our own logs pass. The messages are the SDK's form ("Status code 412, ...", azure-core HttpResponseException).
 */
class ExpectedTableStatusFilterTest {

    @Test
    void dropsOnlyExpectedTableStatuses() {
        LoggerContext ctx = new LoggerContext();
        ExpectedTableStatusFilter filter = new ExpectedTableStatusFilter();
        filter.start();
        ctx.addTurboFilter(filter);
        ListAppender<ILoggingEvent> out = new ListAppender<>();
        out.setContext(ctx);
        out.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(out);

        Logger tables = ctx.getLogger("com.azure.data.tables.TableClient");
        tables.error("Status code 404, \"{\"odata.error\":{\"code\":\"ResourceNotFound\"}}\"");
        tables.error("Status code 409, \"{\"odata.error\":{\"code\":\"EntityAlreadyExists\"}}\"");
        tables.error("Status code 412, \"{\"odata.error\":{\"code\":\"UpdateConditionNotSatisfied\"}}\"");
        tables.error("{}", "Status code 404, \"ResourceNotFound\"");
        tables.error("failed", new RuntimeException("Status code 412, \"UpdateConditionNotSatisfied\""));
        tables.error("Status code 500, \"{\"odata.error\":{\"code\":\"InternalError\"}}\"");
        tables.error("Status code 403, \"AuthorizationFailure\"");
        tables.info("Status code 404 at INFO level is left to the level settings");
        ctx.getLogger("io.cifpipe.dispatch.CallEventDispatcher").error("Status code 412 in our own log");
        ctx.getLogger("com.azure.messaging.servicebus.X").error("Status code 404, not a table");

        assertThat(out.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        "Status code 500, \"{\"odata.error\":{\"code\":\"InternalError\"}}\"",
                        "Status code 403, \"AuthorizationFailure\"",
                        "Status code 404 at INFO level is left to the level settings",
                        "Status code 412 in our own log",
                        "Status code 404, not a table");
    }

    @Test
    void theHostConfigurationsRegisterIt() throws Exception {
        try (var in =
                ExpectedTableStatusFilter.class.getResourceAsStream("/io/cifpipe/host/functions-host-logback.xml")) {
            assertThat(new String(in.readAllBytes()))
                    .contains("<turboFilter class=\"io.cifpipe.host.ExpectedTableStatusFilter\"/>");
        }
    }
}
