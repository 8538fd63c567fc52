package io.cifpipe.emulator.signalr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;
import java.util.regex.Pattern;

/** HTTP helpers: RFC 9457 problem responses (with Azure's {@code code}/{@code message} and x-ms-error-code), names. */
final class Http {
    static final Pattern HUB_NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9_`,.\\[\\]]{0,127}$");

    private Http() {}

    static void problem(HttpServerRequest request, int status, String title, String detail, String errorCode) {
        HttpServerResponse response = request.response().setStatusCode(status);
        if (errorCode != null) {
            response.putHeader("x-ms-error-code", errorCode);
        }
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        if (request.method() == HttpMethod.HEAD) {
            response.end();
            return;
        }
        ObjectNode body = Json.object()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        if (errorCode != null) {
            body.put("code", errorCode);
        }
        body.put("message", detail);
        response.putHeader("Content-Type", "application/problem+json").end(Json.write(body));
    }

    static void badRequest(HttpServerRequest request, String detail) {
        problem(request, 400, "Bad Request", detail, "Error.InvalidRequest");
    }

    static void status(HttpServerRequest request, int status) {
        request.response().setStatusCode(status).end();
    }

    static String bearer(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return null;
        }
        return header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim()
                : "";
    }

    /** Internal hub name: case-insensitive, {@code <application>_<hub>} when an application is given. */
    static String internalHub(String hub, String application) {
        String name = application == null || application.isBlank() ? hub : application + "_" + hub;
        return name.toLowerCase(Locale.ROOT);
    }

    static String validateHub(String hub) {
        if (hub == null || hub.isEmpty()) {
            return "the 'hub' parameter is required";
        }
        return HUB_NAME.matcher(hub).matches()
                ? null
                : "invalid hub name '" + hub
                        + "': it must start with a letter and use at most 128 of A-Z a-z 0-9 _ ` , . [ ]";
    }
}
