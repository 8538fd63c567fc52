package io.cifpipe.host.testapp;

import com.microsoft.azure.functions.annotation.CustomBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Same shape as the presence app's custom signalRTrigger annotation. */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@CustomBinding(direction = "in", name = "", type = "signalRTrigger")
public @interface SignalRTrigger {
    String name();

    String hubName();

    String category();

    String event();

    String[] parameterNames() default {};

    String connectionStringSetting() default "";
}
