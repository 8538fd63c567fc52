package io.cifpipe.runtime;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one way a Functions app wires its services: a process-wide holder of the app's runtime object, built on first
 * use from {@link RuntimeClients#shared()} and reused by every invocation (clients, JWKS and token caches live
 * inside). Each app has one {@code XxxRuntime} class shaped like this:
 *
 * <pre>{@code
 * final class IngressRuntime {
 *     private static final AppRuntime<IngressRuntime> APP = AppRuntime.of(IngressRuntime::new);
 *     private final Lazy<IngressService> service;
 *
 *     IngressRuntime(RuntimeClients clients) {            // tests call this with their own clients
 *         this.service = Lazy.of(() -> new IngressService(...));
 *     }
 *
 *     static IngressRuntime get() { return APP.get(); }  // function classes call this
 *     IngressService service() { return service.get(); }
 * }
 * }</pre>
 *
 * Components are {@link Lazy} so a function that does not need, say, Service Bus never reads its settings, and a
 * component whose settings are wrong fails the invocation that needs it (with the setting's name), not the app.
 * A failed build is retried on the next call.
 */
public final class AppRuntime<R> implements Supplier<R> {
    private final Lazy<R> instance;

    private AppRuntime(Supplier<R> factory) {
        this.instance = Lazy.of(factory);
    }

    /** The app's runtime wired from the process-wide {@link RuntimeClients#shared() clients}. */
    public static <R> AppRuntime<R> of(Function<RuntimeClients, R> wiring) {
        Objects.requireNonNull(wiring);
        return new AppRuntime<>(() -> wiring.apply(RuntimeClients.shared()));
    }

    @Override
    public R get() {
        return instance.get();
    }
}
