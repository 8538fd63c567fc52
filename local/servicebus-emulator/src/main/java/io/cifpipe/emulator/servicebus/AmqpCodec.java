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
    ByteBuffer big = ByteBuffer.allocate(16).putLong(token.getMostSignificantBits()).putLong(token.getLeastSignificantBits());
    byte[] b = big.array();
    return new byte[] {b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6],
        b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]};
  }

  /** Inverse of {@link #lockTokenToTag}. */
  static UUID tagToLockToken(byte[] t) {
    if (t == null || t.length != 16) {
      return null;
    }
    byte[] b = {t[3], t[2], t[1], t[0], t[5], t[4], t[7], t[6], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15]};
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
   * Offset where the bare message starts in an encoded message (after header, delivery annotations and message
   * annotations), or -1 when that cannot be told by skipping the common encodings of those sections. The bare message
   * is immutable in AMQP, so a broker may forward those bytes as they are.
   */
  static int bareMessageStart(byte[] b, int offset, int length) {
    int pos = offset;
    int end = offset + length;
    while (pos < end) {
      if (pos + 3 > end || b[pos] != 0x00 || b[pos + 1] != 0x53) {
        return -1; // not a small-ulong described section (symbolic or long descriptors are legal but rare)
      }
      int code = b[pos + 2] & 0xff;
      if (code >= 0x73 && code <= 0x77) {
        return pos; // properties, application-properties or a body section
      }
      if (code < 0x70 || code > 0x72) {
        return -1; // footer first, or not a message section
      }
      int value = pos + 3;
      if (value >= end) {
        return -1;
      }
      int constructor = b[value] & 0xff;
      long skip = switch (constructor) {
        case 0x45, 0x40 -> 1; // list0, null
        case 0xc0, 0xc1 -> value + 1 < end ? 2L + (b[value + 1] & 0xff) : -1;
        case 0xd0, 0xd1 -> value + 4 < end ? 5L + (ByteBuffer.wrap(b, value + 1, 4).getInt() & 0xffffffffL) : -1;
        default -> -1;
      };
      if (skip < 0 || value + skip > end) {
        return -1;
      }
      pos = (int) (value + skip);
    }
    return end;
  }

  static Message decode(byte[] bytes, int offset, int length) {
    Message message = Proton.message();
    message.decode(bytes, offset, length);
    return message;
  }

  /**
   * One inner message of a transfer, with its size and its encoded bare message (null when it has a footer or could
   * not be located: the broker then encodes it from {@code message}).
   */
  record Encoded(Message message, int size, byte[] bare) {}

  private static Encoded encoded(byte[] bytes, int offset, int length) {
    Message message = decode(bytes, offset, length);
    byte[] bare = null;
    if (message.getFooter() == null) {
      int start = bareMessageStart(bytes, offset, length);
      if (start >= 0) {
        bare = Arrays.copyOfRange(bytes, start, offset + length);
      }
    }
    return new Encoded(message, length, bare);
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
