package io.cifpipe.solution;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * One web resource: its Dataverse name (served at {@code /WebResources/<name>}), type, bytes and where they came from.
 * The id is derived from the name, so every build (and every upgrade import) keeps the same WebResourceId.
 */
public record WebResource(String name, WebResourceType type, byte[] content, String source) {
    public WebResource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(content, "content");
        if (!name.startsWith(SolutionModel.PREFIX + "_/")) {
            throw new IllegalArgumentException(
                    "web resource name must start with the publisher prefix " + SolutionModel.PREFIX + "_/: " + name);
        }
        if (!name.matches("[A-Za-z0-9_./-]+") || name.contains("..") || name.endsWith("/")) {
            throw new IllegalArgumentException("invalid web resource name (letters, digits, _ . / - only): " + name);
        }
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public UUID id() {
        return UUID.nameUUIDFromBytes(("cifpipe-webresource:" + name).getBytes(StandardCharsets.UTF_8));
    }

    /** Path inside the zip, named the way Dynamics exports it: the name without / and . plus the upper-case id. */
    public String fileName() {
        return "/WebResources/" + name.replaceAll("[/.]", "") + id().toString().toUpperCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebResource w && w.name.equals(name) && w.type == type && Arrays.equals(w.content, content);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name + " (" + type + ", " + content.length + " bytes, from " + source + ")";
    }
}
