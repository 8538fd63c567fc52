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

  private AmqpCodec() {}

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
    int size = 1024;
    while (true) {
      byte[] buffer = new byte[size];
      try {
        int length = message.encode(buffer, 0, buffer.length);
        return Arrays.copyOf(buffer, length);
      } catch (BufferOverflowException | IndexOutOfBoundsException e) {
        if (size > 256 * 1024 * 1024) {
          throw e;
        }
        size *= 4;
      }
    }
  }

  static Message decode(byte[] bytes, int offset, int length) {
    Message message = Proton.message();
    message.decode(bytes, offset, length);
    return message;
  }

  /** One encoded inner message of a transfer, with its size. */
  record Encoded(Message message, int size) {}

  /**
   * Splits a transfer into messages: format 0 is one message; a batch is an envelope followed by one data
   * section per inner message.
   *
   * @throws IllegalArgumentException when the payload does not decode
   */
  static List<Encoded> decodeTransfer(int messageFormat, byte[] payload) {
    try {
      if (messageFormat != BATCH_MESSAGE_FORMAT) {
        return List.of(new Encoded(decode(payload, 0, payload.length), payload.length));
      }
      DecoderImpl decoder = new DecoderImpl();
      EncoderImpl encoder = new EncoderImpl(decoder);
      AMQPDefinedTypes.registerAllTypes(decoder, encoder);
      ByteBuffer buffer = ByteBuffer.wrap(payload);
      decoder.setByteBuffer(buffer);
      List<Encoded> messages = new ArrayList<>();
      while (buffer.hasRemaining()) {
        Object section = decoder.readObject();
        if (section instanceof Data data) {
          Binary inner = data.getValue();
          messages.add(new Encoded(decode(inner.getArray(), inner.getArrayOffset(), inner.getLength()), inner.getLength()));
        }
      }
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
