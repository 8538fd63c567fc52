package io.cifpipe.emulator.servicebus;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only journal in a directory ({@code journal.log}). Each record is an upsert of a message's full state or a
 * removal, with a CRC so a torn tail after a crash is ignored. A single writer thread appends records in batches and
 * fsyncs once per batch (group commit); senders are acknowledged only after that fsync. At start-up the live
 * messages are replayed and the file is compacted. Hand-written: no small embeddable library does exactly this.
 */
final class FileJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);
    private static final byte UPSERT = 1;
    private static final byte REMOVE = 2;
    private static final String FILE = "journal.log";

    private record Pending(byte[] record, Runnable onStored, List<Recovered> snapshot) {
        Pending(byte[] record, Runnable onStored) {
            this(record, onStored, null);
        }
    }

    private static final Pending STOP = new Pending(new byte[0], null);
    /** System property: appended bytes after which the broker is asked for a snapshot (default 64 MiB). */
    static final String COMPACT_AFTER_PROPERTY = "cifpipe.servicebus.journal.compactAfterBytes";

    private final long compactAfterBytes = Long.getLong(COMPACT_AFTER_PROPERTY, 64L * 1024 * 1024);

    private final Path directory;
    private final Path file;
    private final java.util.concurrent.atomic.AtomicLong appendedBytes = new java.util.concurrent.atomic.AtomicLong();
    /** Size of the file right after the last compaction (the live state then). */
    private volatile long baseBytes;

    private volatile boolean compactionRequested;
    private final Context context;
    private final List<Recovered> recovered;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private FileChannel channel;
    private final Thread writer;
    private volatile boolean closed;

    private FileJournal(Path directory, Context context) throws IOException {
        Files.createDirectories(directory);
        this.directory = directory;
        this.file = directory.resolve(FILE);
        this.context = context;
        this.recovered = replay(file);
        compact(directory, recovered);
        this.baseBytes = Files.size(file);
        this.channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.writer = new Thread(this::writeLoop, "servicebus-emulator-journal");
        writer.setDaemon(true);
        writer.start();
    }

    static FileJournal open(Path directory, Vertx vertx, Context context) {
        try {
            return new FileJournal(directory, context);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal in " + directory, e);
        }
    }

    @Override
    public void upsert(String entity, StoredMessage m, Runnable onStored) {
        byte[] encoded = m.encoded();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(UPSERT);
            out.writeUTF(entity);
            out.writeLong(m.sequenceNumber);
            out.writeLong(m.enqueuedAtMillis);
            out.writeInt(m.deliveryCount);
            out.writeBoolean(m.deferred);
            out.writeLong(m.scheduledAtMillis);
            out.writeLong(m.ttlMillis);
            out.writeBoolean(m.deadLetterSource != null);
            if (m.deadLetterSource != null) {
                out.writeUTF(m.deadLetterSource);
            }
            out.writeInt(encoded.length);
            out.write(encoded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        submit(bytes.toByteArray(), onStored);
    }

    @Override
    public void remove(String entity, long sequenceNumber) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(REMOVE);
            out.writeUTF(entity);
            out.writeLong(sequenceNumber);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        submit(bytes.toByteArray(), null);
    }

    private void submit(byte[] body, Runnable onStored) {
        if (closed) {
            LOG.warn("journal closed; a record was not written");
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(body);
        ByteBuffer framed = ByteBuffer.allocate(8 + body.length);
        framed.putInt(body.length).putInt((int) crc.getValue()).put(body);
        queue.add(new Pending(framed.array(), onStored));
    }

    @Override
    public List<Recovered> recover() {
        return recovered;
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public boolean wantsCompaction() {
        // Rewrite once the file is past the threshold and at least half of it is superseded history.
        long appended = appendedBytes.get();
        return !compactionRequested && baseBytes + appended > compactAfterBytes && appended > baseBytes;
    }

    @Override
    public void compact(List<Recovered> live) {
        if (closed) {
            return;
        }
        compactionRequested = true;
        queue.add(new Pending(new byte[0], null, List.copyOf(live)));
    }

    /** Runs on the writer thread, in order: everything queued before the snapshot is superseded by it. */
    private void rewrite(List<Recovered> live) throws IOException {
        channel.force(false);
        channel.close();
        compact(directory, live);
        channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        appendedBytes.set(0);
        baseBytes = Files.size(file);
        compactionRequested = false;
        LOG.debug("journal compacted to {} live message(s)", live.size());
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                batch.clear();
                batch.add(queue.take());
                queue.drainTo(batch, 4096);
                boolean stop = batch.remove(STOP);
                List<Runnable> callbacks = new ArrayList<>();
                List<ByteBuffer> run = new ArrayList<>();
                for (Pending p : batch) {
                    if (p.snapshot() != null) {
                        writeAll(run);
                        rewrite(p.snapshot());
                        continue;
                    }
                    appendedBytes.addAndGet(p.record().length);
                    run.add(ByteBuffer.wrap(p.record()));
                    if (p.onStored() != null) {
                        callbacks.add(p.onStored());
                    }
                }
                writeAll(run);
                if (!batch.isEmpty()) {
                    channel.force(false);
                }
                if (!callbacks.isEmpty()) {
                    context.runOnContext(v -> callbacks.forEach(Runnable::run));
                }
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // Senders of this batch are never acknowledged, so they retry; nothing is acknowledged without storage.
                LOG.error("journal write failed; {} record(s) not acknowledged", batch.size(), e);
            }
        }
    }

    /** One gathering write for a batch of records instead of a write call per record. */
    private void writeAll(List<ByteBuffer> run) throws IOException {
        if (run.isEmpty()) {
            return;
        }
        ByteBuffer[] buffers = run.toArray(new ByteBuffer[0]);
        int first = 0;
        while (first < buffers.length) {
            channel.write(buffers, first, buffers.length - first);
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
        }
        run.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            writer.join(10_000);
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("closing journal: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------- start-up

    private static List<Recovered> replay(Path file) throws IOException {
        Map<String, Recovered> live = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return List.of();
        }
        int records = 0;
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException e) {
                    break;
                }
                int crcValue;
                byte[] body;
                try {
                    crcValue = in.readInt();
                    if (length < 0 || length > 512 * 1024 * 1024) {
                        LOG.warn("journal record with bad length at record {}; ignoring the rest", records);
                        break;
                    }
                    body = in.readNBytes(length);
                } catch (EOFException e) {
                    break;
                }
                if (body.length < length) {
                    LOG.warn("journal ends with a torn record; ignoring it");
                    break;
                }
                CRC32 crc = new CRC32();
                crc.update(body);
                if ((int) crc.getValue() != crcValue) {
                    LOG.warn("journal record {} fails its CRC; ignoring the rest", records);
                    break;
                }
                records++;
                DataInputStream r = new DataInputStream(new java.io.ByteArrayInputStream(body));
                byte type = r.readByte();
                String entity = r.readUTF();
                long seq = r.readLong();
                String key = entity.toLowerCase(java.util.Locale.ROOT) + "#" + seq;
                String mainKey = mainQueue(entity).toLowerCase(java.util.Locale.ROOT) + "#" + seq;
                if (type == REMOVE) {
                    live.remove(key);
                    continue;
                }
                long enqueuedAt = r.readLong();
                int deliveryCount = r.readInt();
                boolean deferred = r.readBoolean();
                long scheduledAt = r.readLong();
                long ttl = r.readLong();
                String dls = r.readBoolean() ? r.readUTF() : null;
                byte[] message = r.readNBytes(r.readInt());
                if (!key.equals(mainKey)) {
                    live.remove(mainKey); // moved to the dead-letter queue
                }
                live.remove(key);
                live.put(
                        key,
                        new Recovered(
                                entity, seq, enqueuedAt, deliveryCount, deferred, scheduledAt, ttl, dls, message));
            }
        }
        List<Recovered> result = new ArrayList<>(live.values());
        result.sort(java.util.Comparator.comparingLong(Recovered::sequenceNumber));
        return result;
    }

    /** The entity a dead-letter queue belongs to (a queue or a subscription); the entity itself otherwise. */
    private static String mainQueue(String entity) {
        String suffix = QueueEntity.DEAD_LETTER_SUFFIX;
        return entity.regionMatches(true, entity.length() - suffix.length(), suffix, 0, suffix.length())
                ? entity.substring(0, entity.length() - suffix.length())
                : entity;
    }

    // ---------------------------------------------------------------- rules

    private static final String RULES_FILE = "rules.json";

    /**
     * Rules change rarely (rule manager calls), so they live in their own small file, replaced atomically and fsynced
     * before the management call is answered; the message journal stays a pure message log.
     */
    @Override
    public void saveRules(String json) {
        Path tmp = directory.resolve(RULES_FILE + ".tmp");
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
            Files.move(
                    tmp,
                    directory.resolve(RULES_FILE),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + RULES_FILE, e);
        }
    }

    @Override
    public String recoverRules() {
        Path rules = directory.resolve(RULES_FILE);
        try {
            return Files.exists(rules) ? Files.readString(rules) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RULES_FILE, e);
        }
    }

    /** Rewrites the journal with only the live messages (atomic rename). */
    private static void compact(Path directory, List<Recovered> live) throws IOException {
        Path tmp = directory.resolve(FILE + ".tmp");
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Recovered r : live) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(r.encodedMessage().length + 128);
                try (DataOutputStream d = new DataOutputStream(bytes)) {
                    d.writeByte(UPSERT);
                    d.writeUTF(r.entity());
                    d.writeLong(r.sequenceNumber());
                    d.writeLong(r.enqueuedAtMillis());
                    d.writeInt(r.deliveryCount());
                    d.writeBoolean(r.deferred());
                    d.writeLong(r.scheduledAtMillis());
                    d.writeLong(r.ttlMillis());
                    d.writeBoolean(r.deadLetterSource() != null);
                    if (r.deadLetterSource() != null) {
                        d.writeUTF(r.deadLetterSource());
                    }
                    d.writeInt(r.encodedMessage().length);
                    d.write(r.encodedMessage());
                }
                byte[] body = bytes.toByteArray();
                CRC32 crc = new CRC32();
                crc.update(body);
                ByteBuffer framed = ByteBuffer.allocate(8 + body.length);
                framed.putInt(body.length)
                        .putInt((int) crc.getValue())
                        .put(body)
                        .flip();
                while (framed.hasRemaining()) {
                    out.write(framed);
                }
            }
            out.force(true);
        }
        Files.move(tmp, directory.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
