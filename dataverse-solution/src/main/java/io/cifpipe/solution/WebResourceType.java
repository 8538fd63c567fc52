package io.cifpipe.solution;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The {@code WebResourceType} codes of customizations.xml, by file extension (Dataverse "Web resource" table, type choices). */
public enum WebResourceType {
    HTML(1, "html", "htm"),
    CSS(2, "css"),
    SCRIPT(3, "js"),
    XML(4, "xml"),
    PNG(5, "png"),
    JPG(6, "jpg", "jpeg"),
    GIF(7, "gif"),
    XAP(8, "xap"),
    XSL(9, "xsl", "xslt"),
    ICO(10, "ico"),
    SVG(11, "svg"),
    RESX(12, "resx");

    private final int code;
    private final String[] extensions;

    WebResourceType(int code, String... extensions) {
        this.code = code;
        this.extensions = extensions;
    }

    public int code() {
        return code;
    }

    public String contentType() {
        return switch (this) {
            case HTML -> "text/html; charset=utf-8";
            case CSS -> "text/css; charset=utf-8";
            case SCRIPT -> "application/javascript; charset=utf-8";
            case XML, RESX -> "application/xml";
            case PNG -> "image/png";
            case JPG -> "image/jpeg";
            case GIF -> "image/gif";
            case XAP -> "application/x-silverlight-app";
            case XSL -> "application/xslt+xml";
            case ICO -> "image/x-icon";
            case SVG -> "image/svg+xml";
        };
    }

    public static Optional<WebResourceType> forFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(t -> Arrays.asList(t.extensions).contains(ext))
                .findFirst();
    }

    public static Optional<WebResourceType> forCode(int code) {
        return Arrays.stream(values()).filter(t -> t.code == code).findFirst();
    }
}
