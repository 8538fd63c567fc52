package io.cifpipe.emulator.servicebus;

import java.util.List;

/** Where accepted messages are made durable. Calls come from the broker thread; callbacks return there. */
interface Journal extends AutoCloseable {

    /** A message recovered at start-up. */
    record Recovered(
            String entity,
            long sequenceNumber,
            long enqueuedAtMillis,
            int deliveryCount,
            boolean deferred,
            long scheduledAtMillis,
            long ttlMillis,
            String deadLetterSource,
            byte[] encodedMessage) {}

    /** Records the message's current state; {@code onStored} (may be null) runs once it is durable. */
    void upsert(String entity, StoredMessage message, Runnable onStored);

    void remove(String entity, long sequenceNumber);

    /** Live messages found at start-up, in journal order. */
    List<Recovered> recover();

    /** True when upserts complete asynchronously (acknowledge only in the callback). */
    boolean durable();

    /** True when enough has been appended that the broker should hand over a snapshot for {@link #compact}. */
    default boolean wantsCompaction() {
        return false;
    }

    /** Replaces everything written so far with {@code live} (the broker's current state), in write order. */
    default void compact(List<Recovered> live) {}

    /** Replaces the stored subscription rules (a JSON document) durably before returning. */
    default void saveRules(String json) {}

    /** The rules document saved last, or null. */
    default String recoverRules() {
        return null;
    }

    @Override
    void close();

    /** In-memory mode: nothing is written, callbacks run immediately. */
    Journal NONE = new Journal() {
        @Override
        public void upsert(String entity, StoredMessage message, Runnable onStored) {
            if (onStored != null) {
                onStored.run();
            }
        }

        @Override
        public void remove(String entity, long sequenceNumber) {}

        @Override
        public List<Recovered> recover() {
            return List.of();
        }

        @Override
        public boolean durable() {
            return false;
        }

        @Override
        public void close() {}
    };
}
