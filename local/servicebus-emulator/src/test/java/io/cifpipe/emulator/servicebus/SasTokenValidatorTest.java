package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SasTokenValidatorTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    final SasTokenValidator validator = new SasTokenValidator(
            List.of(
                    new SharedAccessKey("send", "s3cret", Set.of(AccessRight.SEND)),
                    new SharedAccessKey("root", "r00t", Set.of(AccessRight.MANAGE))),
            Clock.fixed(NOW, ZoneOffset.UTC));

    /** Built exactly like the SDK's ServiceBusSharedKeyCredential. */
    static String token(String resource, String keyName, String key, long expiry) {
        String encoded = URLEncoder.encode(resource, StandardCharsets.UTF_8);
        String sig = Base64.getEncoder().encodeToString(SasTokenValidator.hmac(key, encoded + "\n" + expiry));
        return "SharedAccessSignature sr=" + encoded + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8) + "&se="
                + expiry + "&skn=" + URLEncoder.encode(keyName, StandardCharsets.UTF_8);
    }

    long later = NOW.getEpochSecond() + 600;

    @Test
    void acceptsAValidTokenAndReportsRights() throws Exception {
        var grant = validator.validate(token("amqp://localhost/q1", "send", "s3cret", later), "amqp://localhost/q1");
        assertThat(grant.rights()).containsExactly(AccessRight.SEND);
        assertThat(grant.expiresAt()).isEqualTo(Instant.ofEpochSecond(later));
    }

    @Test
    void manageImpliesEveryRightAndNamespaceScopeCoversEntities() throws Exception {
        var grant = validator.validate(
                token("sb://localhost/", "root", "r00t", later), "amqp://localhost/q1/$deadletterqueue");
        assertThat(grant.rights()).containsExactlyInAnyOrder(AccessRight.MANAGE, AccessRight.SEND, AccessRight.LISTEN);
    }

    @Test
    void rejectsWrongKeyExpiredUnknownKeyWrongAudienceAndGarbage() {
        assertThatThrownBy(() ->
                        validator.validate(token("amqp://localhost/q1", "send", "wrong", later), "amqp://localhost/q1"))
                .hasMessageContaining("signature");
        assertThatThrownBy(() -> validator.validate(
                        token("amqp://localhost/q1", "send", "s3cret", NOW.getEpochSecond() - 1),
                        "amqp://localhost/q1"))
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> validator.validate(
                        token("amqp://localhost/q1", "ghost", "s3cret", later), "amqp://localhost/q1"))
                .hasMessageContaining("key name");
        assertThatThrownBy(() -> validator.validate(
                        token("amqp://localhost/q1", "send", "s3cret", later), "amqp://localhost/q10"))
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> validator.validate(
                        token("amqp://otherhost/q1", "send", "s3cret", later), "amqp://localhost/q1"))
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> validator.validate("Bearer abc", "amqp://localhost/q1"))
                .hasMessageContaining("SharedAccessSignature");
        assertThatThrownBy(() -> validator.validate("SharedAccessSignature sr=x", "amqp://localhost/q1"))
                .hasMessageContaining("missing");
    }

    @Test
    void lockTokenTagUsesDotNetGuidByteOrder() {
        var token = java.util.UUID.fromString("569e2ce2-807e-459d-9e22-0899e2ead55b");
        byte[] tag = AmqpCodec.lockTokenToTag(token);
        assertThat(tag)
                .containsExactly(
                        0xe2, 0x2c, 0x9e, 0x56, 0x7e, 0x80, 0x9d, 0x45, 0x9e, 0x22, 0x08, 0x99, 0xe2, 0xea, 0xd5, 0x5b);
        assertThat(AmqpCodec.tagToLockToken(tag)).isEqualTo(token);
    }

    @Test
    void parsesQueueAndKeySpecs() {
        QueueOptions q = QueueOptions.parse("call-events,lockDuration=PT5S,maxDeliveryCount=4,defaultTtl=90s,"
                + "deadLetterOnExpiration=true,duplicateDetectionWindow=PT10M,maxSizeBytes=1000000");
        assertThat(q.name()).isEqualTo("call-events");
        assertThat(q.lockDuration()).hasSeconds(5);
        assertThat(q.maxDeliveryCount()).isEqualTo(4);
        assertThat(q.defaultTtl()).hasSeconds(90);
        assertThat(q.deadLetterOnExpiration()).isTrue();
        assertThat(q.duplicateDetectionWindow()).hasMinutes(10);
        assertThat(q.maxSizeBytes()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> QueueOptions.parse("q,lockDuration=soon"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QueueOptions.parse("q,colour=blue")).hasMessageContaining("unknown queue option");
        SharedAccessKey key = SharedAccessKey.parse("app=abc/def==:Send|Listen");
        assertThat(key.key()).isEqualTo("abc/def==");
        assertThat(key.rights()).containsExactlyInAnyOrder(AccessRight.SEND, AccessRight.LISTEN);
        assertThat(key.toString()).doesNotContain("abc/def");
        assertThat(SharedAccessKey.parse("root=xyz").rights()).contains(AccessRight.MANAGE, AccessRight.SEND);
    }
}
