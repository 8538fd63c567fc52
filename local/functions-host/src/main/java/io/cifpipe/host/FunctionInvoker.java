package io.cifpipe.host;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.OutputBinding;
import com.microsoft.azure.functions.RetryContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls one function's Java method by reflection, binding parameters the way the Java worker does:
 * by the {@code name} of each parameter's binding annotation (matched to function.json), by
 * {@code @BindingName} for trigger metadata, and by type for {@link ExecutionContext}. A new instance of
 * the class is created per invocation (the worker's default instance injector).
 */
public final class FunctionInvoker {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FunctionInvoker.class);
    private final String appName;
    private final FunctionDefinition definition;
    private final ClassLoader loader;
    private final Class<?> type;
    private final Method method;
    private final List<Source> sources;

    private sealed interface Source permits Context, Trigger, Metadata, Output {}

    private record Context() implements Source {}

    private record Trigger(Type type) implements Source {}

    private record Metadata(String key, Type type) implements Source {}

    private record Output(String binding) implements Source {}

    /** Input for one invocation: the trigger's value plus its metadata (for {@code @BindingName}). */
    public record Invocation(
            Object triggerValue, Map<String, Object> metadata, String traceparent, RetryContext retry) {
        public Invocation(Object triggerValue, Map<String, Object> metadata, String traceparent) {
            this(triggerValue, metadata, traceparent, null);
        }
    }

    /** What the function produced: its return value and values set on {@link OutputBinding} parameters. */
    public record Result(String invocationId, Object returnValue, Map<String, Object> outputs) {}

    FunctionInvoker(String appName, FunctionDefinition definition, ClassLoader loader) {
        this.appName = appName;
        this.definition = definition;
        this.loader = loader;
        try {
            this.type = Class.forName(definition.className(), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(
                    "class " + definition.className() + " not found in " + definition.scriptFile() + " or lib/ (" + e
                            + ")",
                    e);
        }
        this.method = findMethod();
        this.sources = Arrays.stream(method.getParameters()).map(this::sourceOf).toList();
    }

    public FunctionDefinition definition() {
        return definition;
    }

    public Result invoke(Invocation invocation) throws FunctionException {
        FunctionExecutionContext context =
                new FunctionExecutionContext(appName, definition.name(), invocation.traceparent(), invocation.retry());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        Map<String, Holder> outputs = new HashMap<>();
        try {
            Object[] args = new Object[sources.size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = argument(sources.get(i), context, invocation, outputs);
            }
            Object target = Modifier.isStatic(method.getModifiers())
                    ? null
                    : type.getDeclaredConstructor().newInstance();
            long started = System.nanoTime();
            Object returned = method.invoke(target, args);
            LOG.debug(
                    "Executed '{}' (Succeeded, Id={}, Duration={}ms)",
                    definition.name(),
                    context.getInvocationId(),
                    (System.nanoTime() - started) / 1_000_000);
            Map<String, Object> out = new HashMap<>();
            outputs.forEach((k, v) -> out.put(k, v.getValue()));
            return new Result(context.getInvocationId(), returned, out);
        } catch (InvocationTargetException e) {
            throw new FunctionException(definition.name(), context.getInvocationId(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new FunctionException(definition.name(), context.getInvocationId(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Object argument(
            Source source, FunctionExecutionContext context, Invocation invocation, Map<String, Holder> outputs) {
        if (source instanceof Trigger t) return Values.convert(invocation.triggerValue(), t.type());
        if (source instanceof Metadata m) return Values.convert(lookup(invocation.metadata(), m.key()), m.type());
        if (source instanceof Output o) return outputs.computeIfAbsent(o.binding(), k -> new Holder());
        return context;
    }

    private static Object lookup(Map<String, Object> metadata, String key) {
        if (metadata.containsKey(key)) return metadata.get(key);
        // Binding expressions are case-insensitive in the Functions host.
        return metadata.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(key))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private Method findMethod() {
        List<Method> candidates = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(definition.methodName())) candidates.add(m);
        }
        if (candidates.size() > 1) {
            candidates.removeIf(m -> {
                FunctionName fn = m.getAnnotation(FunctionName.class);
                return fn == null || !fn.value().equals(definition.name());
            });
        }
        if (candidates.size() != 1) {
            throw new IllegalStateException("entryPoint " + definition.entryPoint()
                    + ": expected one public method, found " + candidates.size());
        }
        return candidates.get(0);
    }

    private Source sourceOf(Parameter p) {
        if (ExecutionContext.class.isAssignableFrom(p.getType())) return new Context();
        BindingName bn = p.getAnnotation(BindingName.class);
        if (bn != null) return new Metadata(bn.value(), p.getParameterizedType());
        String name = bindingNameOf(p);
        if (name == null) {
            throw new IllegalStateException(
                    "parameter '" + p.getName() + "' of " + definition.entryPoint() + " has no binding annotation");
        }
        Binding binding = definition
                .binding(name)
                .orElseThrow(() -> new IllegalStateException(
                        "parameter '" + p.getName() + "' names binding '" + name + "' which function.json lacks"));
        if (OutputBinding.class.isAssignableFrom(p.getType()) || "out".equalsIgnoreCase(binding.direction())) {
            return new Output(name);
        }
        if (binding.isTrigger()) return new Trigger(p.getParameterizedType());
        throw new IllegalStateException(
                "input binding type '" + binding.type() + "' (" + name + ") is not supported by this host");
    }

    /** The {@code name()} of the parameter's binding annotation (library, SignalR library or custom). */
    private static String bindingNameOf(Parameter p) {
        for (Annotation a : p.getAnnotations()) {
            try {
                Method name = a.annotationType().getMethod("name");
                if (name.getReturnType() == String.class) {
                    String value = (String) name.invoke(a);
                    if (!value.isEmpty()) return value;
                }
            } catch (ReflectiveOperationException ignored) {
                // not a binding annotation
            }
        }
        return null;
    }

    private static final class Holder implements OutputBinding<Object> {
        private Object value;

        @Override
        public Object getValue() {
            return value;
        }

        @Override
        public void setValue(Object v) {
            this.value = v;
        }
    }

    /** A function threw (or its parameters could not be bound); carries the ids the host logs. */
    public static final class FunctionException extends Exception {
        private final String functionName;
        private final String invocationId;

        FunctionException(String functionName, String invocationId, Throwable cause) {
            super("function '" + functionName + "' (invocation " + invocationId + ") failed: " + cause, cause);
            this.functionName = functionName;
            this.invocationId = invocationId;
        }

        public String functionName() {
            return functionName;
        }

        public String invocationId() {
            return invocationId;
        }
    }
}
