package io.cifpipe.solution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Structural checks of a solution zip. Microsoft's CustomizationsSolution.xsd is a separate download (not reachable
 * from this build), so instead of schema validation this checks what an import depends on: every XML part parses;
 * every file named by {@code [Content_Types].xml}, {@code solution.xml} and {@code customizations.xml} is in the zip
 * and every zip entry is named by them; root components match the components; record folders match their unique
 * names; references between records resolve (or are declared missing dependencies); the version and managed flag
 * are the expected ones; and web resource bytes equal the expected sources (the tested client bundle).
 */
public final class SolutionChecker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RECORD_PATH = Pattern.compile("(msdyn_[a-z]+)s/([^/]+)/(msdyn_[a-z]+)\\.xml");
    private static final Pattern ENV_PATH =
            Pattern.compile("environmentvariabledefinitions/([^/]+)/environmentvariabledefinition\\.xml");
    private static final Set<Integer> ENV_TYPES = Set.of(100000000, 100000001, 100000002, 100000003);

    private final Map<String, byte[]> entries;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Document> parsed = new HashMap<>();

    private SolutionChecker(Map<String, byte[]> entries) {
        this.entries = entries;
    }

    /** Expected contents: version, managed flag, and web resource name → bytes it must carry. */
    public record Expectation(String version, boolean managed, Map<String, byte[]> webResources) {
        public Expectation {
            webResources = Map.copyOf(webResources);
        }
    }

    public static List<String> check(Path zip, Expectation expected) throws IOException {
        return check(Files.readAllBytes(zip), expected);
    }

    public static List<String> check(byte[] zip, Expectation expected) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                if (entries.put(e.getName(), in.readAllBytes()) != null) {
                    duplicates.add("duplicate zip entry " + e.getName());
                }
            }
        }
        SolutionChecker c = new SolutionChecker(entries);
        c.problems.addAll(duplicates);
        c.run(expected);
        return List.copyOf(c.problems);
    }

    private void run(Expectation expected) {
        if (entries.isEmpty()) {
            problems.add("not a zip or empty");
            return;
        }
        for (String name : entries.keySet()) {
            if (name.endsWith(".xml")) {
                parse(name);
            }
        }
        Document types = parsed.get("[Content_Types].xml");
        Document solution = parsed.get("solution.xml");
        Document customizations = parsed.get("customizations.xml");
        for (String required : List.of("[Content_Types].xml", "solution.xml", "customizations.xml")) {
            if (!entries.containsKey(required)) {
                problems.add("missing " + required);
            }
        }
        if (types == null || solution == null || customizations == null) {
            return;
        }
        Set<String> claimed = new HashSet<>(List.of("[Content_Types].xml", "solution.xml", "customizations.xml"));
        checkManifest(solution, expected);
        Map<String, String> webResourceFiles = checkWebResources(customizations, expected, claimed);
        checkContentTypes(types);
        checkRootComponents(solution, webResourceFiles.keySet());
        Map<String, Set<String>> records = checkRecords(claimed);
        checkRelationships(customizations, solution, records);
        for (String name : entries.keySet()) {
            if (!claimed.contains(name)) {
                problems.add(
                        "zip entry " + name + " is not named by customizations.xml, solution.xml or a record folder");
            }
        }
    }

    private void checkManifest(Document solution, Expectation expected) {
        Element manifest = first(solution.getDocumentElement(), "SolutionManifest");
        if (manifest == null) {
            problems.add("solution.xml: no SolutionManifest");
            return;
        }
        String version = text(manifest, "Version");
        try {
            SolutionVersion.requireValid(version);
        } catch (IllegalArgumentException e) {
            problems.add("solution.xml: " + e.getMessage());
        }
        if (!expected.version().equals(version)) {
            problems.add("solution.xml: Version " + version + ", expected " + expected.version());
        }
        String managed = text(manifest, "Managed");
        if (!(expected.managed() ? "1" : "0").equals(managed)) {
            problems.add("solution.xml: Managed " + managed + ", expected " + (expected.managed() ? 1 : 0));
        }
        if (!SolutionModel.UNIQUE_NAME.equals(text(manifest, "UniqueName"))) {
            problems.add("solution.xml: UniqueName " + text(manifest, "UniqueName"));
        }
        Element publisher = first(manifest, "Publisher");
        String prefix = publisher == null ? null : text(publisher, "CustomizationPrefix");
        if (!SolutionModel.PREFIX.equals(prefix)) {
            problems.add("solution.xml: publisher prefix " + prefix + ", expected " + SolutionModel.PREFIX);
        }
    }

    /** Name → zip entry of each web resource; checks ids, types, files, and the bytes against the expectation. */
    private Map<String, String> checkWebResources(Document customizations, Expectation expected, Set<String> claimed) {
        Map<String, String> files = new LinkedHashMap<>();
        Element list = first(customizations.getDocumentElement(), "WebResources");
        for (Element w : children(list, "WebResource")) {
            String name = text(w, "Name");
            String fileName = text(w, "FileName");
            String id = text(w, "WebResourceId");
            if (name == null || fileName == null || id == null || !id.matches("\\{[0-9a-fA-F-]{36}}")) {
                problems.add(
                        "customizations.xml: web resource without Name, FileName or a {guid} WebResourceId: " + name);
                continue;
            }
            if (!name.startsWith(SolutionModel.PREFIX + "_")) {
                problems.add("web resource " + name + " lacks the publisher prefix " + SolutionModel.PREFIX + "_");
            }
            String entry = fileName.startsWith("/") ? fileName.substring(1) : fileName;
            if (files.put(name, entry) != null) {
                problems.add("customizations.xml: web resource " + name + " listed twice");
            }
            claimed.add(entry);
            byte[] content = entries.get(entry);
            if (content == null) {
                problems.add("customizations.xml names " + fileName + " (" + name + ") but the zip has no such file");
                continue;
            }
            String type = text(w, "WebResourceType");
            WebResourceType byCode = type != null && type.matches("\\d+")
                    ? WebResourceType.forCode(Integer.parseInt(type)).orElse(null)
                    : null;
            if (byCode == null) {
                problems.add("web resource " + name + ": unknown WebResourceType " + type);
            } else if (WebResourceType.forFileName(name).map(t -> t != byCode).orElse(false)) {
                problems.add("web resource " + name + ": WebResourceType " + type + " does not match its extension");
            }
            byte[] want = expected.webResources().get(name);
            if (want == null) {
                problems.add("web resource " + name + " is not one of the expected sources");
            } else if (!Arrays.equals(want, content)) {
                problems.add("web resource " + name + " differs from its source (" + content.length
                        + " bytes in the zip, " + want.length + " expected)");
            }
        }
        for (String name : expected.webResources().keySet()) {
            if (!files.containsKey(name)) {
                problems.add("expected web resource " + name + " is not in customizations.xml");
            }
        }
        return files;
    }

    private void checkContentTypes(Document types) {
        Set<String> defaults = new HashSet<>();
        Set<String> overrides = new HashSet<>();
        for (Element d : children(types.getDocumentElement(), "Default")) {
            defaults.add(d.getAttribute("Extension").toLowerCase());
        }
        for (Element o : children(types.getDocumentElement(), "Override")) {
            String part = o.getAttribute("PartName");
            String entry = part.startsWith("/") ? part.substring(1) : part;
            overrides.add(entry);
            if (!entries.containsKey(entry)) {
                problems.add("[Content_Types].xml overrides " + part + " but the zip has no such file");
            }
        }
        for (String name : entries.keySet()) {
            if (name.equals("[Content_Types].xml") || overrides.contains(name)) {
                continue;
            }
            int dot = name.lastIndexOf('.');
            String ext = dot > name.lastIndexOf('/') && dot >= 0
                    ? name.substring(dot + 1).toLowerCase()
                    : "";
            if (!defaults.contains(ext)) {
                problems.add("[Content_Types].xml gives no content type for " + name);
            }
        }
    }

    private void checkRootComponents(Document solution, Set<String> webResourceNames) {
        Element roots = first(first(solution.getDocumentElement(), "SolutionManifest"), "RootComponents");
        Set<String> rootWebResources = new HashSet<>();
        Set<String> rootVariables = new HashSet<>();
        for (Element r : children(roots, "RootComponent")) {
            String type = r.getAttribute("type");
            String schema = r.getAttribute("schemaName");
            if ("61".equals(type)) {
                rootWebResources.add(schema);
            } else if ("380".equals(type)) {
                rootVariables.add(schema);
            } else {
                problems.add("solution.xml: unexpected root component type " + type + " " + schema);
            }
        }
        diff("web resource", rootWebResources, webResourceNames, "solution.xml root components", "customizations.xml");
        Set<String> folders = new HashSet<>();
        for (String name : entries.keySet()) {
            Matcher m = ENV_PATH.matcher(name);
            if (m.matches()) {
                folders.add(m.group(1));
            }
        }
        diff(
                "environment variable",
                rootVariables,
                folders,
                "solution.xml root components",
                "environmentvariabledefinitions/");
    }

    /** Unique names of the records each folder holds, after checking each record file. */
    private Map<String, Set<String>> checkRecords(Set<String> claimed) {
        Map<String, Set<String>> records = new HashMap<>();
        for (String name : entries.keySet()) {
            Matcher env = ENV_PATH.matcher(name);
            if (env.matches()) {
                claimed.add(name);
                checkEnvironmentVariable(name, env.group(1));
                continue;
            }
            Matcher m = RECORD_PATH.matcher(name);
            if (!m.matches() || name.startsWith("WebResources/")) {
                continue;
            }
            claimed.add(name);
            if (!m.group(1).equals(m.group(3))) {
                problems.add(name + ": folder " + m.group(1) + "s holds a " + m.group(3) + " file");
            }
            Document d = parsed.get(name);
            if (d == null) {
                continue;
            }
            Element root = d.getDocumentElement();
            if (!root.getTagName().equals(m.group(3))) {
                problems.add(name + ": root element " + root.getTagName() + ", expected " + m.group(3));
            }
            if (!m.group(2).equals(root.getAttribute("msdyn_uniquename"))) {
                problems.add(name + ": msdyn_uniquename " + root.getAttribute("msdyn_uniquename")
                        + " does not match its folder");
            }
            if (!m.group(2).startsWith(SolutionModel.PREFIX + "_")) {
                problems.add(name + ": record " + m.group(2) + " lacks the publisher prefix");
            }
            records.computeIfAbsent(m.group(3), k -> new HashSet<>()).add(m.group(2));
        }
        // Lookups between records: anchor tab of a session template, tab template of a template parameter.
        lookups(records, "msdyn_sessiontemplate", "msdyn_anchortab", "msdyn_applicationtabtemplate");
        lookups(records, "msdyn_templateparameter", "msdyn_applicationtabtemplateid", "msdyn_applicationtabtemplate");
        for (String provider : records.getOrDefault("msdyn_channelprovider", Set.of())) {
            checkChannelProvider(provider);
        }
        return records;
    }

    private void checkEnvironmentVariable(String entry, String folder) {
        Document d = parsed.get(entry);
        if (d == null) {
            return;
        }
        Element root = d.getDocumentElement();
        if (!folder.equals(root.getAttribute("schemaname"))) {
            problems.add(entry + ": schemaname " + root.getAttribute("schemaname") + " does not match its folder");
        }
        String type = text(root, "type");
        if (type == null || !type.matches("\\d+") || !ENV_TYPES.contains(Integer.parseInt(type))) {
            problems.add(entry + ": unsupported type " + type);
            return;
        }
        String def = text(root, "defaultvalue");
        if (def == null) {
            if (!"1".equals(text(root, "isrequired"))) {
                problems.add(entry + ": no default value and not required");
            }
            return;
        }
        switch (Integer.parseInt(type)) {
            case 100000003 -> {
                try {
                    JsonNode n = JSON.readTree(def);
                    if (n == null || !(n.isArray() || n.isObject())) {
                        problems.add(entry + ": JSON default is not an array or object");
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    problems.add(entry + ": JSON default does not parse: " + e.getOriginalMessage());
                }
            }
            case 100000002 -> {
                if (!def.equals("yes") && !def.equals("no")) {
                    problems.add(entry + ": Boolean default must be yes or no, is " + def);
                }
            }
            case 100000001 -> {
                if (!def.matches("-?\\d+(\\.\\d+)?")) {
                    problems.add(entry + ": Number default is not a number: " + def);
                }
            }
            default -> {}
        }
    }

    private void checkChannelProvider(String provider) {
        Element root = parsed.get("msdyn_channelproviders/" + provider + "/msdyn_channelprovider.xml")
                .getDocumentElement();
        String url = text(root, "msdyn_channelurl");
        String api = text(root, "msdyn_apiversion");
        if (!String.valueOf(SolutionModel.CIF_API_VERSION_2).equals(api)) {
            problems.add("channel provider " + provider + ": msdyn_apiversion " + api + " is not CIF 2.0 ("
                    + SolutionModel.CIF_API_VERSION_2 + ")");
        }
        String page = url == null ? null : url.replaceFirst("^(https://[^/]+)?/WebResources/", "");
        if (page == null || page.equals(url) || !webResourceNames().contains(page)) {
            problems.add("channel provider " + provider + ": msdyn_channelurl " + url
                    + " is not /WebResources/<a web resource of this solution>");
        }
        for (String required : List.of("msdyn_label", "msdyn_name", "msdyn_sortorder", "msdyn_enableoutbound")) {
            if (first(root, required) == null) {
                problems.add("channel provider " + provider + ": missing " + required);
            }
        }
    }

    private Set<String> webResourceNames() {
        Set<String> names = new HashSet<>();
        Document c = parsed.get("customizations.xml");
        for (Element w : children(first(c.getDocumentElement(), "WebResources"), "WebResource")) {
            names.add(text(w, "Name"));
        }
        return names;
    }

    private void lookups(Map<String, Set<String>> records, String entity, String lookup, String target) {
        for (String unique : records.getOrDefault(entity, Set.of())) {
            Element root =
                    parsed.get(entity + "s/" + unique + "/" + entity + ".xml").getDocumentElement();
            Element ref = first(root, lookup);
            String name = ref == null ? null : text(ref, "msdyn_uniquename");
            if (name != null && !records.getOrDefault(target, Set.of()).contains(name)) {
                problems.add(
                        entity + " " + unique + ": " + lookup + " names " + name + ", which is not in the solution");
            }
        }
    }

    /** Relationship rows in customizations.xml must name records of the zip or declared missing dependencies. */
    private void checkRelationships(Document customizations, Document solution, Map<String, Set<String>> records) {
        Set<String> declaredMissing = new HashSet<>();
        NodeList required = solution.getElementsByTagName("Required");
        for (int i = 0; i < required.getLength(); i++) {
            Element r = (Element) required.item(i);
            declaredMissing.add(r.getAttribute("type") + ":" + r.getAttribute("id.msdyn_uniquename"));
        }
        for (Element set : children(customizations.getDocumentElement(), null)) {
            if (!set.getTagName().startsWith("msdyn_") || !set.getTagName().endsWith("set")) {
                continue;
            }
            for (Element row : children(set, null)) {
                for (int i = 0; i < row.getAttributes().getLength(); i++) {
                    Node a = row.getAttributes().item(i);
                    String attr = a.getNodeName();
                    if (!attr.endsWith("id.msdyn_uniquename")) {
                        continue;
                    }
                    String entity = attr.substring(0, attr.length() - "id.msdyn_uniquename".length());
                    String unique = a.getNodeValue();
                    boolean inZip = records.getOrDefault(entity, Set.of()).contains(unique);
                    if (!inZip && !declaredMissing.contains(entity + ":" + unique)) {
                        problems.add("customizations.xml " + row.getTagName() + " names " + entity + " " + unique
                                + ", which is neither in the solution nor a declared missing dependency");
                    }
                }
            }
        }
    }

    private void diff(String what, Set<String> a, Set<String> b, String aName, String bName) {
        for (String x : a) {
            if (!b.contains(x)) {
                problems.add(what + " " + x + " is in " + aName + " but not in " + bName);
            }
        }
        for (String x : b) {
            if (!a.contains(x)) {
                problems.add(what + " " + x + " is in " + bName + " but not in " + aName);
            }
        }
    }

    private void parse(String name) {
        try (InputStream in = new ByteArrayInputStream(entries.get(name))) {
            parsed.put(name, builder().parse(in));
        } catch (Exception e) {
            problems.add(name + " is not well-formed XML: " + e.getMessage());
        }
    }

    static DocumentBuilder builder() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // No DTDs, no external entities: the parts are plain XML.
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setExpandEntityReferences(false);
        DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        return b;
    }

    private static Element first(Element parent, String tag) {
        if (parent == null) {
            return null;
        }
        for (Element e : children(parent, tag)) {
            return e;
        }
        return null;
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (tag == null || e.getTagName().equals(tag))) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String tag) {
        Element e = first(parent, tag);
        return e == null ? null : e.getTextContent().trim();
    }
}
