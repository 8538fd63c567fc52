package io.cifpipe.host.http;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.util.Map;

/** {@link HttpRequestMessage} over one received request, with the body already converted to {@code T}. */
public final class HttpRequestMessageImpl<T> implements HttpRequestMessage<T> {
    private final HttpRequestData data;
    private final T body;

    public HttpRequestMessageImpl(HttpRequestData data, T body) {
        this.data = data;
        this.body = body;
    }

    @Override
    public URI getUri() {
        return data.uri();
    }

    @Override
    public HttpMethod getHttpMethod() {
        return data.method();
    }

    @Override
    public Map<String, String> getHeaders() {
        return data.headers();
    }

    @Override
    public Map<String, String> getQueryParameters() {
        return data.query();
    }

    @Override
    public T getBody() {
        return body;
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return new HttpResponseMessageImpl.Builder(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new HttpResponseMessageImpl.Builder(status);
    }
}
