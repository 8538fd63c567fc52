package io.cifpipe.ops;

/** Message counts of one queue; {@code capped} means a count reached the scan limit and is a lower bound. */
public record QueueDepth(String queue, long active, long scheduled, long deferred, long deadLetter, boolean capped) {}
