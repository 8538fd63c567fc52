package io.cifpipe.runtime.tables;

/** The result of a conditional ledger update: the entry before and after, and whether this caller wrote it. */
public record LedgerTransition(LedgerEntry before, LedgerEntry after, boolean changed) {}
