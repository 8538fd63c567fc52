package io.cifpipe.presence.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InvocationContextTest {

    /** Shape of the extension's InvocationContext as serialized for non-.NET workers (PascalCase keys). */
    static final String MESSAGE = """
            {"Arguments":[{"notificationId":"n1~c~a","decision":"accept"}],"Error":null,"Category":"messages",
             "Event":"decide","Hub":"cifhub","ConnectionId":"abc-123","UserId":"oid-1",
             "Headers":{"User-Agent":"okhttp/4.12","X-ASRS-Hub":"cifhub"},
             "Query":{"hub":"cifhub","id":"tok"},"Claims":{"nameid":"oid-1"},"SomethingNew":1}
            """;

    @Test
    void parsesPascalCaseContext() {
        InvocationContext ctx = InvocationContext.parse(MESSAGE);
        assertThat(ctx.category()).isEqualTo("messages");
        assertThat(ctx.event()).isEqualTo("decide");
        assertThat(ctx.hub()).isEqualTo("cifhub");
        assertThat(ctx.connectionId()).isEqualTo("abc-123");
        assertThat(ctx.userId()).isEqualTo("oid-1");
        assertThat(ctx.arguments())
                .singleElement()
                .satisfies(a -> assertThat(a.get("decision").asText()).isEqualTo("accept"));
        assertThat(ctx.header("user-agent")).isEqualTo("okhttp/4.12");
        assertThat(ctx.userAgent()).isEqualTo("okhttp/4.12");
        assertThat(ctx.query()).containsEntry("hub", "cifhub");
        assertThat(ctx.claims()).containsEntry("nameid", "oid-1");
    }

    @Test
    void connectedEventWithoutArgumentsOrUser() {
        InvocationContext ctx = InvocationContext.parse(
                "{\"Category\":\"connections\",\"Event\":\"connected\",\"Hub\":\"cifhub\",\"ConnectionId\":\"c\"}");
        assertThat(ctx.arguments()).isEmpty();
        assertThat(ctx.hasUser()).isFalse();
        assertThat(ctx.headers()).isEmpty();
    }

    @Test
    void malformedInputIsRejectedClearly() {
        assertThatThrownBy(() -> InvocationContext.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InvocationContext.parse("{\"Category\":"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> InvocationContext.parse("{\"Category\":\"connections\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ConnectionId");
    }
}
