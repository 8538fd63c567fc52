package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.Footer;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/** Locating the bare message in an encoded message, which the broker forwards as the sender's bytes. */
class AmqpCodecTest {

    private static Message full(Object body) {
        Message m = Proton.message();
        Header h = new Header();
        h.setTtl(UnsignedInteger.valueOf(60000));
        m.setHeader(h);
        m.setDeliveryAnnotations(new DeliveryAnnotations(Map.of()));
        m.setMessageAnnotations(new MessageAnnotations(Map.of(Symbol.valueOf("x-opt-partition-key"), "p")));
        Properties p = new Properties();
        p.setMessageId("id-1");
        p.setCreationTime(new Date(1_700_000_000_000L));
        m.setProperties(p);
        m.setApplicationProperties(
                new ApplicationProperties(Map.of("callId", "c-1", "n", 42L, "u", UUID.randomUUID())));
        if (body instanceof Data d) {
            m.setBody(d);
        } else if (body instanceof AmqpSequence s) {
            m.setBody(s);
        } else {
            m.setBody(new AmqpValue(body));
        }
        m.setFooter(new Footer(Map.of())); // the Java SDK sends an empty footer
        return m;
    }

    @Test
    void findsTheBareMessageBetweenAnnotationsAndFooterForEveryBodyKind() {
        List<Object> bodies = List.of(
                new Data(new Binary(new byte[3000])),
                "text",
                7L,
                Map.of("k", List.of(1, "two", new Binary(new byte[2]))),
                new AmqpSequence(List.of("a", 1)),
                new Symbol[] {Symbol.valueOf("a"), Symbol.valueOf("b")});
        for (Object body : bodies) {
            Message sent = full(body);
            byte[] bytes = AmqpCodec.encode(sent);
            int[] bounds = AmqpCodec.sectionBounds(bytes, 0, bytes.length);
            assertThat(bounds).as("bounds for %s", body).isNotNull();

            Message prefix = AmqpCodec.decode(bytes, 0, bounds[1]);
            assertThat(prefix.getMessageId()).isEqualTo("id-1");
            assertThat(prefix.getHeader().getTtl()).isEqualTo(UnsignedInteger.valueOf(60000));
            assertThat(prefix.getApplicationProperties()).isNull();
            assertThat(prefix.getBody()).isNull();

            Message bare = AmqpCodec.decode(Arrays.copyOfRange(bytes, bounds[0], bounds[2]), 0, bounds[2] - bounds[0]);
            assertThat(bare.getHeader()).isNull();
            assertThat(bare.getMessageAnnotations()).isNull();
            assertThat(bare.getFooter()).isNull();
            assertThat(bare.getMessageId()).isEqualTo("id-1");
            assertThat(bare.getApplicationProperties().getValue())
                    .isEqualTo(sent.getApplicationProperties().getValue());
            assertThat(AmqpCodec.encodeBare(bare)).isEqualTo(Arrays.copyOfRange(bytes, bounds[0], bounds[2]));
        }
    }

    @Test
    void worksWithoutOptionalSections() {
        Message m = Proton.message();
        m.setBody(new Data(new Binary(new byte[] {1, 2, 3})));
        byte[] bytes = AmqpCodec.encode(m);
        assertThat(AmqpCodec.sectionBounds(bytes, 0, bytes.length)).containsExactly(0, 0, bytes.length);
    }

    @Test
    void refusesWhatItCannotWalk() {
        byte[] bytes = AmqpCodec.encode(full("x"));
        assertThat(AmqpCodec.sectionBounds(bytes, 0, bytes.length - 1)).isNull(); // truncated
        assertThat(AmqpCodec.sectionBounds(new byte[] {0x00, 0x53, 0x75, (byte) 0xff}, 0, 4))
                .isNull(); // unknown type
        byte[] footerFirst = AmqpCodec.encode(full("x"));
        int[] b = AmqpCodec.sectionBounds(footerFirst, 0, footerFirst.length);
        byte[] swapped = new byte[footerFirst.length - b[2] + b[2]];
        System.arraycopy(footerFirst, b[2], swapped, 0, footerFirst.length - b[2]);
        System.arraycopy(footerFirst, 0, swapped, footerFirst.length - b[2], b[2]);
        assertThat(AmqpCodec.sectionBounds(swapped, 0, swapped.length)).isNull(); // sections out of order
    }
}
