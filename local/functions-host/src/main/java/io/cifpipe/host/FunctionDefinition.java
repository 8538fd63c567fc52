package io.cifpipe.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One function as described by its generated {@code <app>/<function>/function.json}. */
public record FunctionDefinition(
        String name, Path scriptFile, String entryPoint, List<Binding> bindings, JsonNode retry, boolean disabled) {

    public Binding trigger() {
        return bindings.stream()
                .filter(Binding::isTrigger)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("function '" + name + "' has no trigger binding"));
    }

    public Optional<Binding> binding(String bindingName) {
        return bindings.stream().filter(b -> b.name().equals(bindingName)).findFirst();
    }

    public String className() {
        int dot = entryPoint.lastIndexOf('.');
        if (dot <= 0)
            throw new IllegalStateException(
                    "function '" + name + "': entryPoint '" + entryPoint + "' is not Class.method");
        return entryPoint.substring(0, dot);
    }

    public String methodName() {
        return entryPoint.substring(entryPoint.lastIndexOf('.') + 1);
    }
}
