package io.cifpipe.solution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** The writer's output passes the checker, and each kind of damage is caught with a message naming it. */
class SolutionWriterTest {
    private static final String VERSION = "0.1.0.3";
    private static final List<WebResource> RESOURCES = List.of(
            new WebResource(
                    SolutionModel.PANEL_PAGE, WebResourceType.HTML, bytes("<!doctype html><p>panel</p>"), "test"),
            new WebResource(SolutionModel.BUNDLE, WebResourceType.SCRIPT, bytes("var SignalRAdaptor={};"), "test"),
            new WebResource(
                    SolutionModel.SETTINGS_SCRIPT, WebResourceType.SCRIPT, bytes("var CifPipeSettings={};"), "test"),
            new WebResource(
                    SolutionModel.CALL_ICON,
                    WebResourceType.SVG,
                    bytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
                    "test"));

    private static SolutionModel model(boolean managed) {
        return new SolutionModel(VERSION, managed, RESOURCES, Optional.empty());
    }

    private static SolutionChecker.Expectation expectation(boolean managed) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        RESOURCES.forEach(w -> m.put(w.name(), w.content()));
        return new SolutionChecker.Expectation(VERSION, managed, m);
    }

    @Test
    void unmanagedAndManagedPassEveryCheck() throws IOException {
        assertThat(SolutionChecker.check(SolutionWriter.zip(model(false)), expectation(false)))
                .isEmpty();
        assertThat(SolutionChecker.check(SolutionWriter.zip(model(true)), expectation(true)))
                .isEmpty();
        assertThat(model(false).zipFileName()).isEqualTo("CifPipe_0_1_0_3.zip");
        assertThat(model(true).zipFileName()).isEqualTo("CifPipe_0_1_0_3_managed.zip");
    }

    @Test
    void sameInputsGiveTheSameBytes() throws IOException {
        assertThat(SolutionWriter.zip(model(false))).isEqualTo(SolutionWriter.zip(model(false)));
    }

    @Test
    void carriesTheCifRecordsAndEveryEnvironmentVariable() {
        Map<String, byte[]> e = SolutionWriter.entries(model(false));
        assertThat(e)
                .containsKeys(
                        "msdyn_channelproviders/cifpipe_calls/msdyn_channelprovider.xml",
                        "msdyn_appconfigurations/cifpipe_agents/msdyn_appconfiguration.xml",
                        "msdyn_notificationtemplates/cifpipe_incoming_call/msdyn_notificationtemplate.xml",
                        "msdyn_sessiontemplates/cifpipe_call_session/msdyn_sessiontemplate.xml",
                        "msdyn_applicationtabtemplates/cifpipe_customer_tab/msdyn_applicationtabtemplate.xml");
        for (EnvironmentVariable v : EnvironmentVariable.values()) {
            String xml =
                    text(e, "environmentvariabledefinitions/" + v.schemaName() + "/environmentvariabledefinition.xml");
            assertThat(xml).contains("<type>" + v.type().code() + "</type>");
            assertThat(xml).contains("<isrequired>" + (v.required() ? 1 : 0) + "</isrequired>");
            assertThat(text(e, "solution.xml"))
                    .contains("<RootComponent type=\"380\" schemaName=\"" + v.schemaName() + "\"");
        }
        String provider = text(e, "msdyn_channelproviders/cifpipe_calls/msdyn_channelprovider.xml");
        assertThat(provider)
                .contains("<msdyn_channelurl>/WebResources/cifpipe_/panel.html</msdyn_channelurl>")
                .contains("<msdyn_apiversion>162450000</msdyn_apiversion>")
                .doesNotContain("msdyn_trusteddomain");
        assertThat(text(e, "msdyn_notificationtemplates/cifpipe_incoming_call/msdyn_notificationtemplate.xml"))
                .contains("<msdyn_timeout>300</msdyn_timeout>");
    }

    @Test
    void orgUrlMakesTheChannelUrlAbsoluteAndTrustsTheOrg() {
        SolutionModel m = new SolutionModel(
                VERSION, false, RESOURCES, Optional.of(URI.create("https://contoso.crm.dynamics.com")));
        String provider =
                text(SolutionWriter.entries(m), "msdyn_channelproviders/cifpipe_calls/msdyn_channelprovider.xml");
        assertThat(provider)
                .contains("https://contoso.crm.dynamics.com/WebResources/cifpipe_/panel.html")
                .contains("<msdyn_trusteddomain>https://contoso.crm.dynamics.com</msdyn_trusteddomain>");
        assertThatThrownBy(() -> BuildSolution.orgUri("http://contoso.crm.dynamics.com"))
                .hasMessageContaining("https");
    }

    @Test
    void aModelWithoutThePanelPageIsRefused() {
        assertThatThrownBy(() -> new SolutionModel(VERSION, false, RESOURCES.subList(1, 2), Optional.empty()))
                .hasMessageContaining("panel page");
        assertThatThrownBy(() -> new WebResource("new_/x.js", WebResourceType.SCRIPT, new byte[0], "t"))
                .hasMessageContaining("publisher prefix");
    }

    @Test
    void missingWebResourceFileIsCaught() throws IOException {
        String file = RESOURCES.get(1).fileName().substring(1);
        assertThat(damaged(e -> e.remove(file), false))
                .anyMatch(p -> p.contains("customizations.xml names /" + file))
                .anyMatch(p -> p.contains("[Content_Types].xml overrides /" + file));
    }

    @Test
    void strayFileIsCaught() throws IOException {
        assertThat(damaged(e -> e.put("WebResources/extra.js", bytes("x")), false))
                .anyMatch(p -> p.contains("WebResources/extra.js is not named"))
                .anyMatch(p -> p.contains("no content type for WebResources/extra.js"));
    }

    @Test
    void changedBundleBytesAreCaught() throws IOException {
        String file = RESOURCES.get(1).fileName().substring(1);
        assertThat(damaged(e -> e.put(file, bytes("var SignalRAdaptor=[];")), false))
                .containsExactly("web resource " + SolutionModel.BUNDLE
                        + " differs from its source (22 bytes in the zip, 22 expected)");
    }

    @Test
    void malformedXmlIsCaught() throws IOException {
        String provider = "msdyn_channelproviders/cifpipe_calls/msdyn_channelprovider.xml";
        assertThat(damaged(e -> e.put(provider, bytes("<msdyn_channelprovider>")), false))
                .anyMatch(p -> p.startsWith(provider + " is not well-formed XML"));
    }

    @Test
    void environmentVariableWithoutRootComponentIsCaught() throws IOException {
        assertThat(damaged(
                        e -> e.put(
                                "solution.xml",
                                bytes(text(e, "solution.xml")
                                        .replace(
                                                "<RootComponent type=\"380\" schemaName=\"cifpipe_HubName\" behavior=\"0\" />",
                                                ""))),
                        false))
                .containsExactly(
                        "environment variable cifpipe_HubName is in environmentvariabledefinitions/ but not in "
                                + "solution.xml root components");
    }

    @Test
    void wrongVersionOrManagedFlagIsCaught() throws IOException {
        List<String> p = SolutionChecker.check(
                SolutionWriter.zip(model(false)),
                new SolutionChecker.Expectation(
                        "0.1.0.4", true, expectation(true).webResources()));
        assertThat(p)
                .contains("solution.xml: Version 0.1.0.3, expected 0.1.0.4", "solution.xml: Managed 0, expected 1");
    }

    @Test
    void danglingReferencesAreCaught() throws IOException {
        String session = "msdyn_sessiontemplates/cifpipe_call_session/msdyn_sessiontemplate.xml";
        assertThat(damaged(
                        e -> e.put(
                                session,
                                bytes(text(e, session)
                                        .replace(
                                                "<msdyn_uniquename>cifpipe_customer_tab</msdyn_uniquename>",
                                                "<msdyn_uniquename>cifpipe_gone</msdyn_uniquename>"))),
                        false))
                .containsExactly(
                        "msdyn_sessiontemplate cifpipe_call_session: msdyn_anchortab names cifpipe_gone, which is not in the solution");
        assertThat(damaged(
                        e -> e.put(
                                "customizations.xml",
                                bytes(text(e, "customizations.xml")
                                        .replace(
                                                "msdyn_applicationextensionid.msdyn_uniquename=\"msdyn_CIFV2Loader\"",
                                                "msdyn_applicationextensionid.msdyn_uniquename=\"msdyn_Other\""))),
                        false))
                .anyMatch(p -> p.contains("msdyn_applicationextension msdyn_Other, which is neither in the solution"));
    }

    @Test
    void badEnvironmentVariableDefaultsAreCaught() throws IOException {
        String reasons = "environmentvariabledefinitions/cifpipe_RejectReasons/environmentvariabledefinition.xml";
        assertThat(damaged(
                        e -> e.put(
                                reasons, bytes(text(e, reasons).replaceFirst("<defaultvalue>\\[", "<defaultvalue>{["))),
                        false))
                .anyMatch(p -> p.startsWith(reasons + ": JSON default does not parse"));
        String tone = "environmentvariabledefinitions/cifpipe_RingTone/environmentvariabledefinition.xml";
        assertThat(damaged(e -> e.put(tone, bytes(text(e, tone).replace(">yes<", ">maybe<"))), false))
                .containsExactly(tone + ": Boolean default must be yes or no, is maybe");
    }

    private static List<String> damaged(Consumer<Map<String, byte[]>> damage, boolean managed) throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>(SolutionWriter.entries(model(managed)));
        damage.accept(e);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> x : e.entrySet()) {
                zip.putNextEntry(new ZipEntry(x.getKey()));
                zip.write(x.getValue());
                zip.closeEntry();
            }
        }
        return SolutionChecker.check(out.toByteArray(), expectation(managed));
    }

    private static String text(Map<String, byte[]> e, String name) {
        return new String(e.get(name), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
