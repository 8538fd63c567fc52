package io.cifpipe.host;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * Loads an app's classes from its own jars (app jar + lib/), isolated from the host's libraries, except
 * the Functions Java API ({@code com.microsoft.azure.functions.*}), which the host must share so that
 * annotations, {@code HttpRequestMessage} and friends are the same types on both sides — as the Java
 * worker provides them in Azure. slf4j is shared too so function logs reach the host's log.
 */
final class AppClassLoader extends URLClassLoader {
    /**
     * OpenTelemetry's API and context are shared as well: on Azure the Application Insights agent bridges the app's
     * API calls to its SDK; here the host's SDK ({@link LocalTelemetry}) receives them.
     */
    private static final List<String> SHARED = List.of(
            "com.microsoft.azure.functions.",
            "org.slf4j.",
            "io.opentelemetry.api.",
            "io.opentelemetry.context.",
            "io.opentelemetry.common.");

    private final ClassLoader host;

    AppClassLoader(String appName, List<URL> urls, ClassLoader host) {
        super("functions-app-" + appName, urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String prefix : SHARED) {
            if (name.startsWith(prefix)) return host.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }
}
