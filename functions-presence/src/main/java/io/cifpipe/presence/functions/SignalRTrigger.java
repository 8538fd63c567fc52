package io.cifpipe.presence.functions;

import com.microsoft.azure.functions.annotation.CustomBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * SignalR Service upstream trigger ({@code signalRTrigger}). The Java library has no annotation for it
 * (docs: "not currently supported"), so we declare one through {@link CustomBinding}; the Maven plugin then
 * writes the documented binding: {@code {"type":"signalRTrigger","direction":"in","name",…,"hubName",
 * "category","event","parameterNames":[…]}}. Bind the parameter as {@code String}: the value is the
 * extension's InvocationContext JSON (PascalCase keys), parsed by
 * {@link io.cifpipe.presence.upstream.InvocationContext#parse(String)}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@CustomBinding(direction = "in", name = "", type = "signalRTrigger")
public @interface SignalRTrigger {
    /** Binding (parameter) name. */
    String name();

    /** Hub name (case-insensitive on the service). */
    String hubName();

    /** {@code connections} or {@code messages}. */
    String category();

    /** {@code connected}, {@code disconnected}, or the hub method name for messages. */
    String event();

    /** Names bound positionally to the invocation's arguments (messages only). */
    String[] parameterNames() default {};

    /** App setting holding the SignalR connection string (used to check upstream signatures). */
    String connectionStringSetting() default "";
}
