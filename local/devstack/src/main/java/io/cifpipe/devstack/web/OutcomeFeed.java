package io.cifpipe.devstack.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The last outcomes read from {@code call-outcomes}, for the telephony page (history on connect + live push).
 * Bounded so a long-running stack does not grow without limit.
 */
public final class OutcomeFeed {
    private final int capacity;
    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();
    private final List<Consumer<Map<String, Object>>> listeners = new CopyOnWriteArrayList<>();

    public OutcomeFeed(int capacity) {
        this.capacity = capacity;
    }

    public void publish(Map<String, Object> outcome) {
        synchronized (recent) {
            recent.addLast(outcome);
            while (recent.size() > capacity) {
                recent.removeFirst();
            }
        }
        listeners.forEach(l -> l.accept(outcome));
    }

    public List<Map<String, Object>> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    public Runnable subscribe(Consumer<Map<String, Object>> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
