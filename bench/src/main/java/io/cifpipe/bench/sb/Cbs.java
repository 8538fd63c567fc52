package io.cifpipe.bench.sb;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonHelper;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.message.Message;

/**
 * The minimum of Service Bus claims-based security a plain AMQP client needs: one SAS token put on {@code $cbs}.
 * Written by hand because the only library that does it is the Azure SDK, which is the thing being factored out.
 */
public final class Cbs {
    private static final String REPLY_TO = "bench-cbs-reply";

    private Cbs() {}

    public static void putToken(
            ProtonConnection connection, String audience, String keyName, String key, Handler<AsyncResult<Void>> done) {
        ProtonReceiver replies = connection.createReceiver("$cbs");
        Target target = new Target();
        target.setAddress(REPLY_TO);
        replies.setTarget(target);
        ProtonSender requests = connection.createSender("$cbs");
        replies.handler((delivery, reply) -> {
                    Object status = reply.getApplicationProperties() == null
                            ? null
                            : reply.getApplicationProperties().getValue().get("status-code");
                    replies.close();
                    requests.close();
                    if (status instanceof Number n && (n.intValue() == 200 || n.intValue() == 202)) {
                        done.handle(Future.succeededFuture());
                    } else {
                        done.handle(Future.failedFuture("CBS put-token refused: "
                                + reply.getApplicationProperties().getValue()));
                    }
                })
                .openHandler(r -> requests.openHandler(s -> {
                            Message request = ProtonHelper.message();
                            request.setMessageId("put-token-1");
                            request.setReplyTo(REPLY_TO);
                            request.setApplicationProperties(new ApplicationProperties(Map.of(
                                    "operation",
                                    "put-token",
                                    "type",
                                    "servicebus.windows.net:sastoken",
                                    "name",
                                    audience)));
                            request.setBody(new AmqpValue(sasToken(audience, keyName, key)));
                            requests.send(request);
                        })
                        .open())
                .open();
    }

    static String sasToken(String resource, String keyName, String key) {
        String sr = URLEncoder.encode(resource, StandardCharsets.UTF_8);
        long se = Instant.now().getEpochSecond() + 3600;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig =
                    Base64.getEncoder().encodeToString(mac.doFinal((sr + "\n" + se).getBytes(StandardCharsets.UTF_8)));
            return "SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8) + "&se="
                    + se + "&skn=" + keyName;
        } catch (Exception e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
