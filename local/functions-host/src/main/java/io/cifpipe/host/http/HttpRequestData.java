package io.cifpipe.host.http;

import com.microsoft.azure.functions.HttpMethod;
import java.net.URI;
import java.util.Map;

/** An HTTP request as the host hands it to a function: header names lower-cased, empty query values dropped. */
public record HttpRequestData(
        HttpMethod method, URI uri, Map<String, String> headers, Map<String, String> query, byte[] body) {}
