package io.cifpipe.solution;

import static io.cifpipe.solution.SolutionModel.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the solution in the layout Dynamics itself exports (compare Microsoft's DCCPChannelIntegrationFramework
 * sample solution): {@code [Content_Types].xml}, {@code solution.xml}, {@code customizations.xml} at the root, web
 * resource bytes under {@code WebResources/}, environment variable definitions under
 * {@code environmentvariabledefinitions/<schema>/}, and the CIF 2.0 records (channel provider, app profile,
 * notification/session/application-tab templates) as {@code msdyn_<entity>s/<uniquename>/msdyn_<entity>.xml}.
 * Output is deterministic: same inputs, same bytes.
 */
public final class SolutionWriter {
    /** Fixed entry time: reproducible zips (the version, not the timestamp, identifies a build). */
    private static final FileTime ENTRY_TIME = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));

    /** Notification fields (title shown → template parameter the client fills; see client/README.md). */
    static final List<String[]> NOTIFICATION_FIELDS = List.of(
            new String[] {"queue", "Queue", "{queue}"},
            new String[] {"number", "Number", "{callerNumber}"},
            new String[] {"context", "Customer", "{customerContext}"});
    /** Parameters of an entity-record application tab (the nine Microsoft's sample tab carries). */
    static final List<String> TAB_PARAMETERS = List.of(
            "createFromEntity",
            "data",
            "entityId",
            "entityName",
            "formId",
            "processId",
            "relationship",
            "selectedStageId",
            "processInstanceId");

    private static final List<String> ADDRESS_FIELDS = List.of(
            "AddressTypeCode",
            "City",
            "County",
            "Country",
            "Fax",
            "FreightTermsCode",
            "ImportSequenceNumber",
            "Latitude",
            "Line1",
            "Line2",
            "Line3",
            "Longitude",
            "Name",
            "PostalCode",
            "PostOfficeBox",
            "PrimaryContactName",
            "ShippingMethodCode",
            "StateOrProvince",
            "Telephone1",
            "Telephone2",
            "Telephone3",
            "TimeZoneRuleVersionNumber",
            "UPSZone",
            "UTCOffset",
            "UTCConversionTimeZoneCode");

    private SolutionWriter() {}

    /** The zip's entries in write order. */
    public static Map<String, byte[]> entries(SolutionModel m) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("[Content_Types].xml", utf8(contentTypes(m)));
        out.put("solution.xml", utf8(solutionXml(m)));
        out.put("customizations.xml", utf8(customizationsXml(m)));
        for (WebResource w : m.webResources()) {
            out.put(w.fileName().substring(1), w.content());
        }
        for (EnvironmentVariable v : EnvironmentVariable.values()) {
            out.put(
                    "environmentvariabledefinitions/" + v.schemaName() + "/environmentvariabledefinition.xml",
                    utf8(environmentVariable(v, m.version())));
        }
        out.put("msdyn_channelproviders/" + CHANNEL_PROVIDER + "/msdyn_channelprovider.xml", utf8(channelProvider(m)));
        out.put("msdyn_appconfigurations/" + APP_PROFILE + "/msdyn_appconfiguration.xml", utf8(appProfile()));
        for (String[] f : NOTIFICATION_FIELDS) {
            out.put(
                    "msdyn_notificationfields/" + PREFIX + "_call_" + f[0] + "/msdyn_notificationfield.xml",
                    utf8(notificationField(f)));
        }
        out.put(
                "msdyn_notificationtemplates/" + NOTIFICATION_TEMPLATE + "/msdyn_notificationtemplate.xml",
                utf8(notificationTemplate()));
        out.put(
                "msdyn_applicationtabtemplates/" + CUSTOMER_TAB_TEMPLATE + "/msdyn_applicationtabtemplate.xml",
                utf8(customerTab()));
        for (String p : TAB_PARAMETERS) {
            out.put(
                    "msdyn_templateparameters/" + CUSTOMER_TAB_TEMPLATE + "_" + p + "/msdyn_templateparameter.xml",
                    utf8(tabParameter(p)));
        }
        out.put("msdyn_sessiontemplates/" + SESSION_TEMPLATE + "/msdyn_sessiontemplate.xml", utf8(sessionTemplate()));
        return out;
    }

    public static byte[] zip(SolutionModel m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(m, bytes);
        return bytes.toByteArray();
    }

    public static void write(SolutionModel m, OutputStream target) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(target, StandardCharsets.UTF_8)) {
            zip.setLevel(9);
            for (Map.Entry<String, byte[]> e : entries(m).entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setLastModifiedTime(ENTRY_TIME);
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    /** Writes to a temporary file first, so a reader never sees half a zip. */
    public static Path writeTo(SolutionModel m, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(m.zipFileName());
        Path tmp = Files.createTempFile(dir, ".solution", ".zip");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            write(m, os);
        }
        // createTempFile makes the file owner-only; the zip is an ordinary build artifact.
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String contentTypes(SolutionModel m) {
        StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"xml\" ContentType=\"application/octet-stream\" />");
        for (WebResource w : m.webResources()) {
            s.append("<Override PartName=\"")
                    .append(esc(w.fileName()))
                    .append("\" ContentType=\"application/octet-stream\" />");
        }
        return s.append("</Types>").toString();
    }

    static String solutionXml(SolutionModel m) {
        StringBuilder s = new StringBuilder();
        s.append("<ImportExportXml version=\"9.2.24044.222\" SolutionPackageVersion=\"9.2\" languagecode=\"")
                .append(LANGUAGE)
                .append("\" generatedBy=\"CrmLive\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
        s.append("  <SolutionManifest>\n");
        s.append("    <UniqueName>").append(UNIQUE_NAME).append("</UniqueName>\n");
        s.append("    <LocalizedNames>\n      <LocalizedName description=\"")
                .append(esc(DISPLAY_NAME))
                .append("\" languagecode=\"")
                .append(LANGUAGE)
                .append("\" />\n    </LocalizedNames>\n");
        s.append("    <Descriptions>\n      <Description description=\"")
                .append(esc("Call notifications in the Customer Service workspace: the CIF 2.0 panel (web resources), "
                        + "its channel provider and app profile, notification/session templates and the environment "
                        + "variables that point it at one deployment."))
                .append("\" languagecode=\"")
                .append(LANGUAGE)
                .append("\" />\n    </Descriptions>\n");
        s.append("    <Version>").append(m.version()).append("</Version>\n");
        s.append("    <Managed>").append(m.managed() ? 1 : 0).append("</Managed>\n");
        s.append("    <Publisher>\n");
        s.append("      <UniqueName>").append(PUBLISHER).append("</UniqueName>\n");
        s.append("      <LocalizedNames>\n        <LocalizedName description=\"")
                .append(esc(PUBLISHER_DISPLAY_NAME))
                .append("\" languagecode=\"")
                .append(LANGUAGE)
                .append("\" />\n      </LocalizedNames>\n");
        s.append("      <Descriptions />\n");
        s.append("      <EMailAddress xsi:nil=\"true\"></EMailAddress>\n");
        s.append("      <SupportingWebsiteUrl xsi:nil=\"true\"></SupportingWebsiteUrl>\n");
        s.append("      <CustomizationPrefix>").append(PREFIX).append("</CustomizationPrefix>\n");
        s.append("      <CustomizationOptionValuePrefix>")
                .append(OPTION_VALUE_PREFIX)
                .append("</CustomizationOptionValuePrefix>\n");
        // Two empty publisher addresses, as Dynamics exports them.
        s.append("      <Addresses>\n");
        for (int n = 1; n <= 2; n++) {
            s.append("        <Address>\n          <AddressNumber>").append(n).append("</AddressNumber>\n");
            for (String f : ADDRESS_FIELDS) {
                s.append("          <")
                        .append(f)
                        .append(" xsi:nil=\"true\"></")
                        .append(f)
                        .append(">\n");
            }
            s.append("        </Address>\n");
        }
        s.append("      </Addresses>\n");
        s.append("    </Publisher>\n");
        s.append("    <RootComponents>\n");
        for (WebResource w : m.webResources()) {
            s.append("      <RootComponent type=\"61\" schemaName=\"")
                    .append(esc(w.name()))
                    .append("\" behavior=\"0\" />\n");
        }
        // Without a type-380 root component an environment variable definition imports but is not part of the solution.
        for (EnvironmentVariable v : EnvironmentVariable.values()) {
            s.append("      <RootComponent type=\"380\" schemaName=\"")
                    .append(v.schemaName())
                    .append("\" behavior=\"0\" />\n");
        }
        s.append("    </RootComponents>\n");
        // As Dynamics exports it (versions as in Microsoft's seed solution, exported from a 2024 organisation): the
        // import then names the missing CIF 2.0 package instead of failing obscurely.
        s.append("    <MissingDependencies>\n      <MissingDependency>\n");
        s.append("        <Required type=\"msdyn_applicationextension\" displayName=\"")
                .append(CIF_LOADER_EXTENSION)
                .append("\" solution=\"msdyn_CIFrameworkPatch (9.2.24043.2005)\" id.msdyn_uniquename=\"")
                .append(CIF_LOADER_EXTENSION)
                .append("\">\n          <package>ChannelIntegrationFramework (9.2.2.40)</package>\n")
                .append(
                        "          <package>msdyn_AppProfileManagerAnchor (10.1.24043.2007)</package>\n        </Required>\n");
        s.append(
                        "        <Dependent type=\"msdyn_appconfiguration_applicationextension\" displayName=\"msdyn_appconfigurationid.msdyn_uniquename=")
                .append(APP_PROFILE)
                .append(",msdyn_applicationextensionid.msdyn_uniquename=")
                .append(CIF_LOADER_EXTENSION)
                .append("\" id.msdyn_appconfigurationid.msdyn_uniquename=\"")
                .append(APP_PROFILE)
                .append("\" id.msdyn_applicationextensionid.msdyn_uniquename=\"")
                .append(CIF_LOADER_EXTENSION)
                .append("\" />\n");
        s.append("      </MissingDependency>\n    </MissingDependencies>\n");
        s.append("  </SolutionManifest>\n</ImportExportXml>\n");
        return s.toString();
    }

    static String customizationsXml(SolutionModel m) {
        StringBuilder s =
                new StringBuilder("<ImportExportXml xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
        s.append("  <Entities></Entities>\n  <Roles></Roles>\n  <Workflows></Workflows>\n");
        s.append("  <FieldSecurityProfiles></FieldSecurityProfiles>\n  <Templates />\n  <EntityMaps />\n");
        s.append("  <EntityRelationships />\n  <OrganizationSettings />\n  <optionsets />\n");
        s.append("  <WebResources>\n");
        for (WebResource w : m.webResources()) {
            s.append("    <WebResource>\n");
            s.append("      <WebResourceId>{").append(w.id()).append("}</WebResourceId>\n");
            s.append("      <Name>").append(esc(w.name())).append("</Name>\n");
            s.append("      <DisplayName>").append(esc(w.name())).append("</DisplayName>\n");
            s.append("      <WebResourceType>").append(w.type().code()).append("</WebResourceType>\n");
            s.append("      <IntroducedVersion>").append(m.version()).append("</IntroducedVersion>\n");
            s.append("      <IsEnabledForMobileClient>0</IsEnabledForMobileClient>\n");
            s.append("      <IsAvailableForMobileOffline>0</IsAvailableForMobileOffline>\n");
            s.append(
                    "      <IsCustomizable>1</IsCustomizable>\n      <CanBeDeleted>1</CanBeDeleted>\n      <IsHidden>0</IsHidden>\n");
            s.append("      <FileName>").append(esc(w.fileName())).append("</FileName>\n");
            s.append("    </WebResource>\n");
        }
        s.append("  </WebResources>\n");
        s.append("  <CustomControls />\n  <EntityDataProviders />\n");
        s.append("  <msdyn_appconfig_msdyn_channelproviderset>\n");
        s.append("    <msdyn_appconfig_msdyn_channelprovider msdyn_appconfigurationid.msdyn_uniquename=\"")
                .append(APP_PROFILE)
                .append("\" msdyn_channelproviderid.msdyn_uniquename=\"")
                .append(CHANNEL_PROVIDER)
                .append("\">\n");
        s.append("      <iscustomizable>1</iscustomizable>\n    </msdyn_appconfig_msdyn_channelprovider>\n");
        s.append("  </msdyn_appconfig_msdyn_channelproviderset>\n");
        s.append("  <msdyn_appconfiguration_applicationextensionset>\n");
        s.append("    <msdyn_appconfiguration_applicationextension msdyn_appconfigurationid.msdyn_uniquename=\"")
                .append(APP_PROFILE)
                .append("\" msdyn_applicationextensionid.msdyn_uniquename=\"")
                .append(CIF_LOADER_EXTENSION)
                .append("\">\n");
        s.append("      <iscustomizable>1</iscustomizable>\n    </msdyn_appconfiguration_applicationextension>\n");
        s.append("  </msdyn_appconfiguration_applicationextensionset>\n");
        s.append("  <msdyn_notificationtemplate_notificationfieldset>\n");
        for (String[] f : NOTIFICATION_FIELDS) {
            s.append("    <msdyn_notificationtemplate_notificationfield msdyn_notificationfieldid.msdyn_uniquename=\"")
                    .append(PREFIX)
                    .append("_call_")
                    .append(f[0])
                    .append("\" msdyn_notificationtemplateid.msdyn_uniquename=\"")
                    .append(NOTIFICATION_TEMPLATE)
                    .append("\">\n      <iscustomizable>1</iscustomizable>\n")
                    .append("    </msdyn_notificationtemplate_notificationfield>\n");
        }
        s.append("  </msdyn_notificationtemplate_notificationfieldset>\n");
        s.append("  <Languages>\n    <Language>").append(LANGUAGE).append("</Language>\n  </Languages>\n");
        s.append("</ImportExportXml>\n");
        return s.toString();
    }

    static String environmentVariable(EnvironmentVariable v, String version) {
        StringBuilder s = new StringBuilder("<environmentvariabledefinition schemaname=\"")
                .append(v.schemaName())
                .append("\">\n");
        v.defaultValue()
                .ifPresent(d -> s.append("  <defaultvalue>").append(esc(d)).append("</defaultvalue>\n"));
        s.append(label("description", v.description()));
        s.append(label("displayname", v.displayName()));
        s.append("  <introducedversion>").append(version).append("</introducedversion>\n");
        s.append("  <iscustomizable>1</iscustomizable>\n");
        s.append("  <isrequired>").append(v.required() ? 1 : 0).append("</isrequired>\n");
        s.append("  <secretstore>0</secretstore>\n");
        s.append("  <type>").append(v.type().code()).append("</type>\n");
        return s.append("</environmentvariabledefinition>\n").toString();
    }

    static String channelProvider(SolutionModel m) {
        StringBuilder s = new StringBuilder("<msdyn_channelprovider msdyn_uniquename=\"")
                .append(CHANNEL_PROVIDER)
                .append("\">\n");
        s.append("  <iscustomizable>1</iscustomizable>\n");
        s.append("  <msdyn_apiversion>").append(CIF_API_VERSION_2).append("</msdyn_apiversion>\n");
        s.append("  <msdyn_channelurl>").append(esc(m.channelUrl())).append("</msdyn_channelurl>\n");
        s.append("  <msdyn_enableanalytics>0</msdyn_enableanalytics>\n");
        s.append("  <msdyn_enableoutbound>0</msdyn_enableoutbound>\n");
        s.append(label("msdyn_label", CHANNEL_LABEL));
        s.append("  <msdyn_name>cifpipe calls</msdyn_name>\n");
        s.append("  <msdyn_sortorder>0</msdyn_sortorder>\n");
        m.orgUrl().ifPresent(u -> s.append("  <msdyn_trusteddomain>")
                .append(esc(u.toString().replaceAll("/+$", "")))
                .append("</msdyn_trusteddomain>\n"));
        s.append("  <statecode>0</statecode>\n  <statuscode>1</statuscode>\n");
        return s.append("</msdyn_channelprovider>\n").toString();
    }

    static String appProfile() {
        return "<msdyn_appconfiguration msdyn_uniquename=\"" + APP_PROFILE + "\">\n"
                + "  <iscustomizable>1</iscustomizable>\n"
                + "  <msdyn_appmoduleuniquename>" + APP_MODULE + "</msdyn_appmoduleuniquename>\n"
                + label("msdyn_name", "cifpipe agents")
                + "  <statecode>0</statecode>\n  <statuscode>1</statuscode>\n"
                + "</msdyn_appconfiguration>\n";
    }

    static String notificationField(String[] f) {
        return "<msdyn_notificationfield msdyn_uniquename=\"" + PREFIX + "_call_" + f[0] + "\">\n"
                + "  <iscustomizable>1</iscustomizable>\n"
                + label("msdyn_name", "cifpipe call " + f[0])
                + label("msdyn_title", f[1])
                + label("msdyn_value", f[2])
                + "  <statecode>0</statecode>\n  <statuscode>1</statuscode>\n"
                + "</msdyn_notificationfield>\n";
    }

    static String notificationTemplate() {
        // msdyn_timeout: the CIF host's own timer (0-500 s). It must not be shorter than the longest ring window
        // (MaxRingSeconds, 300 by default): the client ends the popup at the ring window itself.
        return "<msdyn_notificationtemplate msdyn_uniquename=\"" + NOTIFICATION_TEMPLATE + "\">\n"
                + "  <iscustomizable>1</iscustomizable>\n"
                + label("msdyn_acceptbuttontext", "Accept")
                + "  <msdyn_autoacceptnotification>0</msdyn_autoacceptnotification>\n"
                + "  <msdyn_desktopnotificationmode>509180000</msdyn_desktopnotificationmode>\n"
                + label("msdyn_icon", "/WebResources/" + CALL_ICON)
                + label("msdyn_name", "cifpipe incoming call")
                + label("msdyn_rejectbuttontext", "Reject")
                + "  <msdyn_showrejectbutton>1</msdyn_showrejectbutton>\n"
                + "  <msdyn_showtimeout>1</msdyn_showtimeout>\n"
                + "  <msdyn_theme>509180000</msdyn_theme>\n"
                + "  <msdyn_timeout>" + notificationTimeoutSeconds() + "</msdyn_timeout>\n"
                + label("msdyn_title", "Incoming call: {caller}")
                + "  <statecode>0</statecode>\n  <statuscode>1</statuscode>\n"
                + "</msdyn_notificationtemplate>\n";
    }

    static int notificationTimeoutSeconds() {
        int max = Integer.parseInt(
                io.cifpipe.model.Setting.MAX_RING_SECONDS.defaultValue().orElseThrow());
        return Math.min(500, max);
    }

    static String customerTab() {
        StringBuilder params = new StringBuilder("{");
        for (String p : TAB_PARAMETERS) {
            if (params.length() > 1) {
                params.append(',');
            }
            String value =
                    switch (p) {
                        case "entityName" -> "\"{customerEntityName}\"";
                        case "entityId" -> "\"{customerRecordId}\"";
                        default -> "null";
                    };
            params.append('"').append(p).append("\":{\"value\":").append(value).append('}');
        }
        params.append('}');
        return "<msdyn_applicationtabtemplate msdyn_uniquename=\"" + CUSTOMER_TAB_TEMPLATE + "\">\n"
                + "  <iscustomizable>1</iscustomizable>\n"
                + label("msdyn_name", "cifpipe caller record")
                + "  <msdyn_pagetype>509180001</msdyn_pagetype>\n"
                + "  <msdyn_pinned>0</msdyn_pinned>\n"
                + "  <msdyn_templateparameters>" + esc(params.toString()) + "</msdyn_templateparameters>\n"
                + label("msdyn_title", "{caller}")
                + "  <statecode>0</statecode>\n  <statuscode>1</statuscode>\n"
                + "</msdyn_applicationtabtemplate>\n";
    }

    static String tabParameter(String p) {
        String value =
                switch (p) {
                    case "entityName" -> "{customerEntityName}";
                    case "entityId" -> "{customerRecordId}";
                    default -> null;
                };
        return "<msdyn_templateparameter msdyn_uniquename=\"" + CUSTOMER_TAB_TEMPLATE + "_" + p + "\">\n"
                + "  <iscustomizable>1</iscustomizable>\n"
                + "  <msdyn_applicationtabtemplateid>\n    <msdyn_uniquename>" + CUSTOMER_TAB_TEMPLATE
                + "</msdyn_uniquename>\n  </msdyn_applicationtabtemplateid>\n"
                + label("msdyn_name", p)
                + (value == null ? "" : "  <msdyn_value>" + esc(value) + "</msdyn_value>\n")
                + "  <statecode>0</statecode>\n  <statuscode>1</statuscode>\n"
                + "</msdyn_templateparameter>\n";
    }

    static String sessionTemplate() {
        return "<msdyn_sessiontemplate msdyn_uniquename=\"" + SESSION_TEMPLATE + "\">\n"
                + "  <iscustomizable>1</iscustomizable>\n"
                + "  <msdyn_anchortab>\n    <msdyn_uniquename>" + CUSTOMER_TAB_TEMPLATE
                + "</msdyn_uniquename>\n  </msdyn_anchortab>\n"
                + "  <msdyn_enablebuildexpression>0</msdyn_enablebuildexpression>\n"
                + label("msdyn_name", "cifpipe call session")
                + "  <msdyn_panelstate>162450002</msdyn_panelstate>\n"
                + "  <msdyn_sessiontype>0</msdyn_sessiontype>\n"
                + label("msdyn_title", "Call: {caller}")
                + "  <msdyn_type>0</msdyn_type>\n"
                + "  <statecode>0</statecode>\n  <statuscode>1</statuscode>\n"
                + "</msdyn_sessiontemplate>\n";
    }

    private static String label(String element, String text) {
        return "  <" + element + " default=\"" + esc(text) + "\">\n    <label description=\"" + esc(text)
                + "\" languagecode=\"" + LANGUAGE + "\" />\n  </" + element + ">\n";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
