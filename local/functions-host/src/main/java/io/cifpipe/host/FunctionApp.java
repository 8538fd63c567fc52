package io.cifpipe.host;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import io.cifpipe.host.http.HttpRoute;
import io.cifpipe.host.http.RouteTemplate;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded Functions app: its class loader, invokers and trigger runners. Functions that cannot be
 * indexed (missing setting, unsupported binding, class not found) are listed in {@link #errors()} and
 * skipped; the rest run — as the Functions host reports a function "in error" and keeps going.
 */
final class FunctionApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionApp.class);
    private static final Set<String> SUPPORTED_TRIGGERS = Set.of("httptrigger", "timertrigger", "servicebustrigger");

    private final String name;
    private final AppDirectory directory;
    private final Settings settings;
    private final AppClassLoader loader;
    private final Map<String, String> errors = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, FunctionInvoker> functions = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final List<HttpRoute> routes = new ArrayList<>();
    private final Map<String, TimerRunner> timers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final List<ServiceBusRunner> queues = new ArrayList<>();
    private final List<FunctionInvoker> pendingQueues = new ArrayList<>();

    FunctionApp(String name, AppDirectory directory, Settings settings) {
        this.name = name;
        this.directory = directory;
        this.settings = settings;
        this.loader = new AppClassLoader(name, directory.classPath(), FunctionApp.class.getClassLoader());
        for (FunctionDefinition def : directory.functions(settings, errors)) {
            if (def.disabled()
                    || settings.get("AzureWebJobs." + def.name() + ".Disabled")
                            .map(Boolean::parseBoolean)
                            .orElse(false)) {
                LOG.info("app '{}': function '{}' is disabled", name, def.name());
                continue;
            }
            try {
                index(def);
            } catch (RuntimeException | LinkageError e) {
                errors.put(def.name(), e.getMessage());
            }
        }
        routes.sort(Comparator.comparing(HttpRoute::template));
        errors.forEach((fn, why) -> LOG.error("app '{}': function '{}' is in error: {}", name, fn, why));
    }

    private void index(FunctionDefinition def) {
        Binding trigger = def.trigger();
        String type = trigger.type().toLowerCase(Locale.ROOT);
        if (!SUPPORTED_TRIGGERS.contains(type))
            throw new IllegalStateException("trigger type '" + trigger.type() + "' is not supported");
        for (Binding b : def.bindings()) {
            if (b != trigger
                    && !(b.type().equalsIgnoreCase("http") && b.direction().equalsIgnoreCase("out"))) {
                throw new IllegalStateException(
                        "binding '" + b.name() + "' of type '" + b.type() + "' is not supported by this host");
            }
        }
        FunctionInvoker invoker = new FunctionInvoker(name, def, loader);
        if (type.equals("timertrigger")) io.cifpipe.host.timer.NCronTab.parse(trigger.attr("schedule", ""));
        switch (type) {
            case "httptrigger" -> routes.add(route(def, trigger));
            case "timertrigger" -> timers.put(def.name(), null);
            case "servicebustrigger" -> pendingQueues.add(invoker);
            default -> throw new IllegalStateException("trigger type '" + trigger.type() + "' is not supported");
        }
        functions.put(def.name(), invoker);
    }

    private HttpRoute route(FunctionDefinition def, Binding trigger) {
        String route = trigger.attr("route", def.name());
        String prefix = directory.routePrefix();
        String full = "/" + (prefix.isEmpty() ? "" : prefix + "/") + route.replaceAll("^/+", "");
        Set<HttpMethod> methods = new LinkedHashSet<>();
        for (String m : trigger.list("methods")) methods.add(HttpMethod.value(m.toUpperCase(Locale.ROOT)));
        AuthorizationLevel level =
                AuthorizationLevel.valueOf(trigger.attr("authLevel", "function").toUpperCase(Locale.ROOT));
        String response = def.bindings().stream()
                .filter(b -> b.type().equalsIgnoreCase("http") && b.direction().equalsIgnoreCase("out"))
                .map(Binding::name)
                .findFirst()
                .orElse("$return");
        return new HttpRoute(def.name(), new RouteTemplate(full), methods, level, response);
    }

    /** Starts timers and Service Bus processors; a runner that fails to start marks its function in error. */
    void startTriggers(ScheduledExecutorService scheduler, ExecutorService workers, Clock clock) {
        for (String fn : List.copyOf(timers.keySet())) {
            try {
                TimerRunner runner = new TimerRunner(functions.get(fn), scheduler, workers, clock);
                timers.put(fn, runner);
                runner.start();
            } catch (RuntimeException e) {
                timers.remove(fn);
                fail(fn, e);
            }
        }
        for (FunctionInvoker invoker : pendingQueues) {
            try {
                ServiceBusRunner runner = new ServiceBusRunner(invoker, settings, directory.serviceBusOptions());
                runner.start();
                queues.add(runner);
            } catch (RuntimeException e) {
                fail(invoker.definition().name(), e);
            }
        }
    }

    private void fail(String function, RuntimeException e) {
        functions.remove(function);
        errors.put(function, e.getMessage());
        LOG.error("app '{}': function '{}' is in error: {}", name, function, e.getMessage());
    }

    String name() {
        return name;
    }

    List<HttpRoute> routes() {
        return routes;
    }

    FunctionInvoker function(String fn) {
        return functions.get(fn);
    }

    Map<String, String> errors() {
        return Map.copyOf(errors);
    }

    List<String> functionNames() {
        return List.copyOf(functions.keySet());
    }

    /** Runs a timer function now (admin endpoint); false when {@code fn} is not a timer. */
    boolean runTimerNow(String fn) {
        TimerRunner t = timers.get(fn);
        if (t == null) return false;
        t.runWithRetry(LocalDateTime.now(ZoneOffset.UTC), false);
        return true;
    }

    Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", name);
        out.put("state", "Running");
        out.put("functions", functionNames());
        out.put("errors", errors());
        out.put("serviceBus", queues.stream().map(ServiceBusRunner::describe).toList());
        return out;
    }

    @Override
    public void close() {
        timers.values().forEach(t -> {
            if (t != null) t.close();
        });
        for (ServiceBusRunner q : queues) {
            try {
                q.close();
            } catch (RuntimeException e) {
                LOG.warn("closing Service Bus processor failed: {}", e.toString());
            }
        }
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("closing class loader: {}", e.toString());
        }
    }
}
