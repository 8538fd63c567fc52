package io.cifpipe.runtime;

import java.util.function.Supplier;

/** A value built on first use, once, thread-safely; a failed build is retried on the next call. */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    public static <T> Lazy<T> of(Supplier<T> factory) {
        return new Lazy<>(factory);
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = factory.get();
                    value = v;
                }
            }
        }
        return v;
    }

    T getIfBuilt() {
        return value;
    }
}
