package io.cifpipe.emulator.servicebus;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.message.Message;

/** Service Bus specific encoding details on top of proton-j. */
final class AmqpCodec {

    /** message-format of a Service Bus batch: one data section per inner message. */
    static final int BATCH_MESSAGE_FORMAT = 0x80013700;

    static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
    static final Symbol ENQUEUED_TIME = Symbol.valueOf("x-opt-enqueued-time");
    static final Symbol ENQUEUE_SEQUENCE_NUMBER = Symbol.valueOf("x-opt-enqueue-sequence-number");
    static final Symbol LOCKED_UNTIL = Symbol.valueOf("x-opt-locked-until");
    static final Symbol LOCK_TOKEN = Symbol.valueOf("x-opt-lock-token");
    static final Symbol SCHEDULED_ENQUEUE_TIME = Symbol.valueOf("x-opt-scheduled-enqueue-time");
    static final Symbol DEADLETTER_SOURCE = Symbol.valueOf("x-opt-deadletter-source");
    static final Symbol MESSAGE_STATE = Symbol.valueOf("x-opt-message-state");

    /** Registering every AMQP type is costly; the SDK sends each message as a batch, so decoders are kept per thread. */
    private static final ThreadLocal<DecoderImpl> BATCH_DECODER = ThreadLocal.withInitial(() -> {
        DecoderImpl decoder = new DecoderImpl();
        AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
        return decoder;
    });

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Per-thread buffer for the small header + annotations part of a delivery. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8 * 1024]);

    private AmqpCodec() {}

    /**
     * A random (version 4) UUID for a lock token. {@link UUID#randomUUID()} draws from a shared SecureRandom, which was
     * ~5 % of the broker thread per message; a lock token only has to be unique, since links and management calls are
     * authorised by CBS tokens, not by knowing a lock token.
     */
    static UUID newLockToken() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }

    /** The 16-byte delivery tag the SDK decodes into the lock token (.NET GUID byte order). */
    static byte[] lockTokenToTag(UUID token) {
        ByteBuffer big = ByteBuffer.allocate(16)
                .putLong(token.getMostSignificantBits())
                .putLong(token.getLeastSignificantBits());
        byte[] b = big.array();
        return new byte[] {
            b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
        };
    }

    /** Inverse of {@link #lockTokenToTag}. */
    static UUID tagToLockToken(byte[] t) {
        if (t == null || t.length != 16) {
            return null;
        }
        byte[] b = {t[3], t[2], t[1], t[0], t[5], t[4], t[7], t[6], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15]
        };
        ByteBuffer buffer = ByteBuffer.wrap(b);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /** Full AMQP encoding of a message. */
    static byte[] encode(Message message) {
        return encode(message, 1024);
    }

    /** Full AMQP encoding of a message; {@code sizeHint} avoids retries (an overflow throws inside proton-j). */
    static byte[] encode(Message message, int sizeHint) {
        int size = Math.max(256, sizeHint);
        while (true) {
            byte[] buffer = new byte[size];
            try {
                int length = message.encode(buffer, 0, buffer.length);
                return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
            } catch (BufferOverflowException | IndexOutOfBoundsException e) {
                if (size > 256 * 1024 * 1024) {
                    throw e;
                }
                size *= 4;
            }
        }
    }

    /**
     * The sections of {@code prefix} (header, message annotations) followed by an already encoded bare message. Lets
     * the broker forward what the sender sent without decoding and re-encoding properties, application properties and
     * body (proton-j's encoder was the largest single cost of a delivery).
     */
    static byte[] encodeWithBare(Message prefix, byte[] bare) {
        byte[] head = SCRATCH.get();
        int headLength;
        try {
            headLength = prefix.encode(head, 0, head.length);
        } catch (BufferOverflowException | IndexOutOfBoundsException e) {
            head = encode(prefix, head.length * 4); // unusually large annotations
            headLength = head.length;
        }
        byte[] out = new byte[headLength + bare.length];
        System.arraycopy(head, 0, out, 0, headLength);
        System.arraycopy(bare, 0, out, headLength, bare.length);
        return out;
    }

    /** The bare message (properties, application properties, body) of {@code message}, encoded. */
    static byte[] encodeBare(Message message) {
        Message bare = Proton.message();
        bare.setProperties(message.getProperties());
        bare.setApplicationProperties(message.getApplicationProperties());
        bare.setBody(message.getBody());
        return encode(bare, 1024);
    }

    /**
     * Where the sections of an encoded message lie: {@code [bareStart, propertiesEnd, bareEnd]}, i.e. the end of header,
     * delivery and message annotations; the end of the properties section (= bareStart without one); and the start of
     * the footer (= the end without one). Null when the layout is not the standard one or a value cannot be skipped.
     * The bare message (properties .. body) is immutable in AMQP, so a broker may forward those bytes as they are.
     * Written by hand because proton-j only decodes whole messages and reports no section offsets.
     */
    static int[] sectionBounds(byte[] b, int offset, int length) {
        int end = offset + length;
        int pos = offset;
        int bareStart = -1;
        int propertiesEnd = -1;
        int bareEnd = end;
        int last = 0x6f; // section codes must ascend: 0x70 header .. 0x78 footer (body sections 0x75-0x77 may repeat)
        while (pos < end) {
            if (pos + 3 > end || b[pos] != 0x00 || b[pos + 1] != 0x53) {
                return null; // not a small-ulong descriptor (symbolic or long descriptors are legal but rare)
            }
            int code = b[pos + 2] & 0xff;
            boolean body = code >= 0x75 && code <= 0x77;
            if (code < 0x70 || code > 0x78 || code < last || code == last && !body) {
                return null;
            }
            last = code;
            if (code >= 0x73 && bareStart < 0) {
                bareStart = pos;
            }
            if (code == 0x78) {
                bareEnd = pos;
            }
            int next = skipValue(b, pos + 3, end, 0);
            if (next < 0) {
                return null;
            }
            if (code == 0x73) {
                propertiesEnd = next;
            }
            pos = next;
        }
        if (bareStart < 0) {
            bareStart = bareEnd;
        }
        return new int[] {bareStart, propertiesEnd < 0 ? bareStart : propertiesEnd, bareEnd};
    }

    /** Position after the AMQP value at {@code pos}, or -1 if it runs past {@code end} or is not understood. */
    private static int skipValue(byte[] b, int pos, int end, int depth) {
        if (pos >= end || depth > 8) {
            return -1;
        }
        int c = b[pos] & 0xff;
        long next =
                switch (c) {
                    case 0x00 -> {
                        int value = skipValue(b, pos + 1, end, depth + 1); // described: descriptor, then value
                        yield value < 0 ? -1 : skipValue(b, value, end, depth + 1);
                    }
                    case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45 -> pos + 1L;
                    case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56 -> pos + 2L;
                    case 0x60, 0x61 -> pos + 3L;
                    case 0x70, 0x71, 0x72, 0x73, 0x74 -> pos + 5L;
                    case 0x80, 0x81, 0x82, 0x83, 0x84 -> pos + 9L;
                    case 0x94, 0x98 -> pos + 17L;
                    case 0xa0, 0xa1, 0xa3, 0xc0, 0xc1, 0xe0 -> pos + 1 < end ? pos + 2L + (b[pos + 1] & 0xff) : -1;
                    case 0xb0, 0xb1, 0xb3, 0xd0, 0xd1, 0xf0 ->
                        pos + 4 < end
                                ? pos + 5L + (ByteBuffer.wrap(b, pos + 1, 4).getInt() & 0xffffffffL)
                                : -1;
                    default -> -1;
                };
        return next < 0 || next > end ? -1 : (int) next;
    }

    static Message decode(byte[] bytes, int offset, int length) {
        Message message = Proton.message();
        message.decode(bytes, offset, length);
        return message;
    }

    /**
     * One inner message of a transfer, with its size and its encoded bare message. When {@code bare} is set,
     * {@code message} holds only header, annotations and properties; when null (unusual layout), it is fully decoded.
     */
    record Encoded(Message message, int size, byte[] bare) {}

    private static Encoded encoded(byte[] bytes, int offset, int length) {
        int[] bounds = sectionBounds(bytes, offset, length);
        if (bounds == null) {
            return new Encoded(decode(bytes, offset, length), length, null);
        }
        // Only header, annotations and properties are needed to store a message; application properties and body are
        // decoded later if ever (StoredMessage.full()), and forwarded as the sender's bytes.
        Message message = decode(bytes, offset, bounds[1] - offset);
        return new Encoded(message, length, Arrays.copyOfRange(bytes, bounds[0], bounds[2]));
    }

    /**
     * Splits a transfer into messages: format 0 is one message; a batch is an envelope followed by one data
     * section per inner message.
     *
     * @throws IllegalArgumentException when the payload does not decode
     */
    static List<Encoded> decodeTransfer(int messageFormat, byte[] payload) {
        try {
            if (messageFormat != BATCH_MESSAGE_FORMAT) {
                return List.of(encoded(payload, 0, payload.length));
            }
            DecoderImpl decoder = BATCH_DECODER.get();
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            decoder.setByteBuffer(buffer);
            List<Encoded> messages = new ArrayList<>();
            while (buffer.hasRemaining()) {
                Object section = decoder.readObject();
                if (section instanceof Data data) {
                    Binary inner = data.getValue();
                    messages.add(encoded(inner.getArray(), inner.getArrayOffset(), inner.getLength()));
                }
            }
            decoder.setByteBuffer(EMPTY); // do not keep the payload reachable
            if (messages.isEmpty()) {
                throw new IllegalArgumentException("batch without data sections");
            }
            return messages;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed AMQP message: " + e.getMessage(), e);
        }
    }
}
