package io.cifpipe.runtime.servicebus;

/** The messages of one request do not fit into one (atomic) Service Bus batch. */
public final class MessageBatchTooLargeException extends RuntimeException {
    private final int messageCount;
    private final long maxBatchBytes;

    public MessageBatchTooLargeException(int messageCount, long maxBatchBytes) {
        super(messageCount + " message(s) do not fit into one Service Bus batch of at most " + maxBatchBytes
                + " bytes");
        this.messageCount = messageCount;
        this.maxBatchBytes = maxBatchBytes;
    }

    public int messageCount() {
        return messageCount;
    }

    public long maxBatchBytes() {
        return maxBatchBytes;
    }
}
