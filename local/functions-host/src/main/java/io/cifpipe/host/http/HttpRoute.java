package io.cifpipe.host.http;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import java.util.Set;

/** One HTTP-triggered function's route: full template (prefix included), accepted methods, auth level. */
public record HttpRoute(
        String functionName,
        RouteTemplate template,
        Set<HttpMethod> methods,
        AuthorizationLevel authLevel,
        String responseBinding) {

    public boolean accepts(HttpMethod method) {
        return methods.isEmpty() || methods.contains(method);
    }
}
