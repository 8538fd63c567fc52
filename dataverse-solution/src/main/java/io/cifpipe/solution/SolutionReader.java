package io.cifpipe.solution;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads the web resources back out of a built solution zip, so the local stack serves exactly the bytes an admin
 * imports (at the same {@code /WebResources/<name>} paths Dynamics uses).
 */
public final class SolutionReader {
    private SolutionReader() {}

    /** The newest unmanaged {@code CifPipe_*.zip} in a folder (dataverse-solution/target), if any. */
    public static Optional<Path> findUnmanagedZip(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith(SolutionModel.UNIQUE_NAME + "_")
                                && n.endsWith(".zip")
                                && !n.endsWith("_managed.zip");
                    })
                    .max((a, b) -> {
                        try {
                            return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
                        } catch (IOException e) {
                            return 0;
                        }
                    });
        }
    }

    /** Web resource name → type and bytes, as customizations.xml maps them to zip entries. */
    public static Map<String, WebResource> webResources(Path zip) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(zip)))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        byte[] customizations = entries.get("customizations.xml");
        if (customizations == null) {
            throw new IOException(zip + " has no customizations.xml");
        }
        Document d;
        try {
            d = SolutionChecker.builder().parse(new ByteArrayInputStream(customizations));
        } catch (Exception ex) {
            throw new IOException(zip + ": customizations.xml does not parse: " + ex.getMessage(), ex);
        }
        Map<String, WebResource> out = new LinkedHashMap<>();
        NodeList list = d.getElementsByTagName("WebResource");
        for (int i = 0; i < list.getLength(); i++) {
            Element w = (Element) list.item(i);
            String name = text(w, "Name");
            String file = text(w, "FileName");
            int code = Integer.parseInt(text(w, "WebResourceType"));
            byte[] content = entries.get(file.startsWith("/") ? file.substring(1) : file);
            if (content == null) {
                throw new IOException(zip + ": " + file + " missing");
            }
            WebResourceType type =
                    WebResourceType.forCode(code).orElseThrow(() -> new IOException("unknown type " + code));
            out.put(name, new WebResource(name, type, content, zip.getFileName() + ":" + file));
        }
        return out;
    }

    private static String text(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }
}
