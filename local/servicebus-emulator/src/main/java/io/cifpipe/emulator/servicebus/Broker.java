package io.cifpipe.emulator.servicebus;

import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.impl.FlushCoalescer;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker state: entities, timers and authorisation. Everything runs on one Vert.x event loop, so no locking;
 * other threads reach it through {@link ServiceBusEmulator}, which hops onto that loop.
 */
final class Broker {
  private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
  static final long TICK_MILLIS = 50;

  private record Timed(long atMillis, long sequenceNumber, QueueEntity entity) {}

  private final Vertx vertx;
  private final Clock clock;
  private final Journal journal;
  private final SasTokenValidator validator;
  private final Map<String, QueueEntity> queues = new LinkedHashMap<>();
  private final Map<String, QueueEntity> entitiesByPath = new LinkedHashMap<>();
  private final PriorityQueue<Timed> activations = new PriorityQueue<>(Comparator.comparingLong(Timed::atMillis));
  private final PriorityQueue<Timed> expiries = new PriorityQueue<>(Comparator.comparingLong(Timed::atMillis));
  private final boolean anonymousAccess;
  private final FlushCoalescer flusher;
  private long timerId = -1;
  private long ticks;

  Broker(Vertx vertx, Clock clock, Journal journal, Collection<QueueOptions> queueOptions,
      Collection<SharedAccessKey> keys, boolean anonymousAccess) {
    this.vertx = vertx;
    this.flusher = new FlushCoalescer(vertx);
    this.anonymousAccess = anonymousAccess;
    this.clock = clock;
    this.journal = journal;
    this.validator = new SasTokenValidator(keys, clock);
    for (QueueOptions options : queueOptions) {
      QueueEntity queue = new QueueEntity(this, options, false);
      queues.put(key(options.name()), queue);
      entitiesByPath.put(key(queue.path), queue);
      entitiesByPath.put(key(queue.deadLetterQueue.path), queue.deadLetterQueue);
    }
  }

  /** Loads the journal and starts the timers; call on the broker's event loop. */
  void start() {
    long now = now();
    int recovered = 0;
    for (Journal.Recovered r : journal.recover()) {
      QueueEntity entity = entitiesByPath.get(key(r.entity()));
      if (entity == null) {
        LOG.warn("journal holds a message for entity '{}' that is not configured; it stays in the journal", r.entity());
        continue;
      }
      entity.recover(r, now);
      if (entity.isDeadLetterQueue()) {
        queues.get(key(entity.options.name())).observeSequenceNumber(r.sequenceNumber());
      }
      recovered++;
    }
    if (recovered > 0) {
      LOG.info("recovered {} message(s) from the journal", recovered);
    }
    timerId = vertx.setPeriodic(TICK_MILLIS, id -> tick());
  }

  void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  long now() {
    return clock.millis();
  }

  Clock clock() {
    return clock;
  }

  Vertx vertx() {
    return vertx;
  }

  /** Benchmark mode: links and management calls need no CBS token. */
  boolean anonymousAccess() {
    return anonymousAccess;
  }

  /** Sends and settlements that flush each connection once per event-loop turn. */
  FlushCoalescer flusher() {
    return flusher;
  }

  Journal journal() {
    return journal;
  }

  SasTokenValidator validator() {
    return validator;
  }

  void scheduleActivation(QueueEntity entity, long sequenceNumber, long atMillis) {
    activations.add(new Timed(atMillis, sequenceNumber, entity));
  }

  void scheduleExpiry(QueueEntity entity, long sequenceNumber, long atMillis) {
    expiries.add(new Timed(atMillis, sequenceNumber, entity));
  }

  void accept(ProtonConnection connection) {
    new ClientConnection(this, connection).start();
  }

  /**
   * Entity for an address: {@code queue}, {@code queue/$deadletterqueue}, optionally as a full
   * {@code amqp://host/...} or {@code sb://host/...} URI; null when unknown.
   */
  QueueEntity resolve(String address) {
    if (address == null) {
      return null;
    }
    return entitiesByPath.get(SasTokenValidator.normalisedPath(address));
  }

  Collection<QueueEntity> queues() {
    return queues.values();
  }

  private static String key(String path) {
    return path.toLowerCase(Locale.ROOT);
  }

  private void tick() {
    try {
      long now = now();
      for (QueueEntity queue : queues.values()) {
        queue.expireLocks(now);
        queue.deadLetterQueue.expireLocks(now);
      }
      while (!activations.isEmpty() && activations.peek().atMillis() <= now) {
        Timed t = activations.poll();
        t.entity().activateScheduled(t.sequenceNumber(), now);
      }
      while (!expiries.isEmpty() && expiries.peek().atMillis() <= now) {
        Timed t = expiries.poll();
        t.entity().expireIfDue(t.sequenceNumber(), now);
      }
      if (++ticks % 20 == 0) {
        for (QueueEntity queue : queues.values()) {
          queue.pruneDuplicateHistory(now);
        }
        if (journal.wantsCompaction()) {
          journal.compact(snapshot());
        }
      }
    } catch (RuntimeException e) {
      LOG.error("broker timer failed; continuing", e);
    }
  }

  /** Every stored message as a journal record (the journal's compaction input). */
  private List<Journal.Recovered> snapshot() {
    List<Journal.Recovered> live = new java.util.ArrayList<>();
    for (QueueEntity entity : entitiesByPath.values()) {
      for (StoredMessage m : entity.allMessages().values()) {
        live.add(new Journal.Recovered(entity.path, m.sequenceNumber, m.enqueuedAtMillis, m.deliveryCount, m.deferred,
            m.scheduledAtMillis, m.ttlMillis, m.deadLetterSource, m.encoded()));
      }
    }
    return live;
  }

  List<QueueEntity> entities() {
    return List.copyOf(entitiesByPath.values());
  }
}
