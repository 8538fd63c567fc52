package io.cifpipe.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One entry of a function.json {@code bindings} array, with {@code %Setting%} already resolved in its string attributes. */
public record Binding(String type, String direction, String name, ObjectNode attributes) {

    public boolean isTrigger() {
        return "in".equalsIgnoreCase(direction) && type.toLowerCase().endsWith("trigger");
    }

    public Optional<String> attr(String key) {
        JsonNode node = find(key);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    public String attr(String key, String fallback) {
        return attr(key).filter(s -> !s.isEmpty()).orElse(fallback);
    }

    public boolean flag(String key, boolean fallback) {
        JsonNode node = find(key);
        return node == null || node.isNull() ? fallback : node.asBoolean(fallback);
    }

    public List<String> list(String key) {
        JsonNode node = find(key);
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) node.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** function.json attribute names are matched case-insensitively, as the Functions host does. */
    private JsonNode find(String key) {
        var it = attributes.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(key)) return e.getValue();
        }
        return null;
    }
}
