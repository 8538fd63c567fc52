package io.cifpipe.solution;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What goes into the solution: fixed names (publisher, templates, channel provider, app profile) and the per-build
 * parts (version, managed or not, web resources, optional org URL).
 */
public record SolutionModel(String version, boolean managed, List<WebResource> webResources, Optional<URI> orgUrl) {
    public static final String UNIQUE_NAME = "CifPipe";
    public static final String DISPLAY_NAME = "CIF call notifications (cifpipe)";
    public static final String PUBLISHER = "cifpipe";
    public static final String PUBLISHER_DISPLAY_NAME = "cifpipe";
    public static final String PREFIX = "cifpipe";
    /** Option-set value prefix of the publisher (10000–99999); the solution defines no option sets. */
    public static final int OPTION_VALUE_PREFIX = 24731;

    public static final int LANGUAGE = 1033;

    /**
     * Web resources live in one virtual folder, so pages refer to each other relatively (panel.html loads
     * signalRadaptor.js, Microsoft's library at ../Widget/msdyn_ciLibrary.js; client/webresource/README.md).
     */
    public static final String WEB_RESOURCE_FOLDER = PREFIX + "_/";

    public static final String PANEL_PAGE = WEB_RESOURCE_FOLDER + "panel.html";
    public static final String BUNDLE = WEB_RESOURCE_FOLDER + "signalRadaptor.js";
    public static final String SETTINGS_SCRIPT = WEB_RESOURCE_FOLDER + "settings.js";
    /** MSAL's sign-in relay page: the redirect URI to register for the panel's app registration. */
    public static final String RELAY_PAGE = WEB_RESOURCE_FOLDER + "redirect.html";

    public static final String CALL_ICON = WEB_RESOURCE_FOLDER + "call-icon.svg";

    public static final String CHANNEL_PROVIDER = PREFIX + "_calls";
    public static final String CHANNEL_LABEL = "Phone";
    /** msdyn_apiversion choice "2" (CIF 2.0), the only option of msdyn_channelprovider. */
    public static final int CIF_API_VERSION_2 = 162450000;

    public static final String APP_PROFILE = PREFIX + "_agents";
    /** App module the app profile applies to: Customer Service workspace (value Microsoft's own app-profile tests use). */
    public static final String APP_MODULE = "CustomerServiceApps";
    /** Application extension that loads CIF 2.0 providers in an app profile (CIF solution, not ours). */
    public static final String CIF_LOADER_EXTENSION = "msdyn_CIFV2Loader";

    public static final String NOTIFICATION_TEMPLATE = PREFIX + "_incoming_call";
    public static final String SESSION_TEMPLATE = PREFIX + "_call_session";
    public static final String CUSTOMER_TAB_TEMPLATE = PREFIX + "_customer_tab";

    public SolutionModel {
        SolutionVersion.requireValid(version);
        webResources = List.copyOf(webResources);
        Objects.requireNonNull(orgUrl, "orgUrl");
        if (webResources.stream().noneMatch(w -> w.name().equals(PANEL_PAGE))) {
            throw new IllegalArgumentException("the panel page " + PANEL_PAGE + " is missing");
        }
        if (webResources.stream().map(WebResource::name).distinct().count() != webResources.size()) {
            throw new IllegalArgumentException("duplicate web resource names");
        }
    }

    /** Channel URL: the panel web resource; absolute when the org URL is known at build time, else org-relative. */
    public String channelUrl() {
        String path = "/WebResources/" + PANEL_PAGE;
        return orgUrl.map(u -> u.toString().replaceAll("/+$", "") + path).orElse(path);
    }

    public String zipFileName() {
        return UNIQUE_NAME + "_" + SolutionVersion.underscored(version) + (managed ? "_managed" : "") + ".zip";
    }

    public SolutionModel withManaged(boolean m) {
        return new SolutionModel(version, m, webResources, orgUrl);
    }
}
