package io.cifpipe.host;

import com.fasterxml.jackson.databind.JavaType;
import com.microsoft.azure.functions.HttpRequestMessage;
import io.cifpipe.host.http.HttpRequestData;
import io.cifpipe.host.http.HttpRequestMessageImpl;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Converts trigger values and binding metadata to the parameter types a Java function declares, like the
 * Java worker: String and byte[] as-is, Optional wrapping, anything else bound from JSON.
 */
final class Values {
    private Values() {}

    static Object convert(Object raw, Type target) {
        Class<?> rawClass = rawClass(target);
        if (raw instanceof HttpRequestData req) {
            if (!HttpRequestMessage.class.isAssignableFrom(rawClass)) {
                // An HTTP trigger bound to a plain type receives the body (worker behaviour for POJO/String triggers).
                return convert(req.body(), target);
            }
            Type bodyType = typeArgument(target, 0, String.class);
            return new HttpRequestMessageImpl<>(req, convert(req.body(), bodyType));
        }
        if (rawClass == Optional.class) {
            Object inner = raw == null ? null : convert(raw, typeArgument(target, 0, String.class));
            if (inner instanceof String s && s.isEmpty()) return Optional.empty();
            if (inner instanceof byte[] b && b.length == 0) return Optional.empty();
            return Optional.ofNullable(inner);
        }
        if (raw == null) return primitiveDefault(rawClass);
        if (rawClass.isInstance(raw) && !(raw instanceof byte[] && rawClass == Object.class)) return raw;
        if (rawClass == String.class) {
            if (raw instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
            if (raw instanceof CharSequence || raw instanceof Number || raw instanceof Boolean) return raw.toString();
            return json(raw);
        }
        if (rawClass == byte[].class) {
            return raw instanceof byte[] b ? b : raw.toString().getBytes(StandardCharsets.UTF_8);
        }
        JavaType type = HostJson.MAPPER.getTypeFactory().constructType(target);
        try {
            if (raw instanceof byte[] b) return b.length == 0 ? null : HostJson.MAPPER.readValue(b, type);
            if (raw instanceof String s && !isScalarTarget(rawClass)) {
                return s.isBlank() ? null : HostJson.MAPPER.readValue(s, type);
            }
            return HostJson.MAPPER.convertValue(raw, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new BindingException("cannot bind value to " + target.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    static String json(Object value) {
        try {
            return HostJson.MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new BindingException(
                    "cannot serialise " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    static Class<?> rawClass(Type t) {
        if (t instanceof Class<?> c) return c;
        if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        return Object.class;
    }

    static Type typeArgument(Type t, int index, Type fallback) {
        if (t instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return fallback;
    }

    private static boolean isScalarTarget(Class<?> c) {
        return c.isPrimitive() || Number.class.isAssignableFrom(c) || c == Boolean.class || c == Character.class;
    }

    private static Object primitiveDefault(Class<?> c) {
        if (!c.isPrimitive()) return null;
        if (c == boolean.class) return false;
        if (c == char.class) return '\0';
        return HostJson.MAPPER.convertValue(0, c);
    }

    /** A value could not be bound to a parameter (bad JSON for a POJO, wrong type for a route value). */
    static final class BindingException extends RuntimeException {
        BindingException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
