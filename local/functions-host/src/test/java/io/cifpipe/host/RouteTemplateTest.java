package io.cifpipe.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.cifpipe.host.http.RouteTemplate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTemplateTest {

    @Test
    void literalAndParameters() {
        RouteTemplate t = new RouteTemplate("/api/calls/{callId}");
        assertThat(t.match("/api/calls/c-1")).hasValue(Map.of("callId", "c-1"));
        assertThat(t.match("/api/calls/c-1/")).as("trailing slash").hasValue(Map.of("callId", "c-1"));
        assertThat(t.match("/API/Calls/c-1")).as("literals ignore case").isPresent();
        assertThat(t.match("/api/calls")).isEmpty();
        assertThat(t.match("/api/calls/a/b")).isEmpty();
    }

    @Test
    void constraints() {
        RouteTemplate t = new RouteTemplate("/api/items/{id:int}");
        assertThat(t.match("/api/items/42")).hasValue(Map.of("id", "42"));
        assertThat(t.match("/api/items/x")).isEmpty();
        assertThat(t.match("/api/items/99999999999")).as("beyond int").isEmpty();
        assertThat(new RouteTemplate("/g/{id:guid}").match("/g/3f2504e0-4f89-11d3-9a0c-0305e82c3301"))
                .isPresent();
        assertThat(new RouteTemplate("/g/{id:guid}").match("/g/nope")).isEmpty();
        assertThat(new RouteTemplate("/a/{n:alpha}").match("/a/abc")).isPresent();
        assertThat(new RouteTemplate("/a/{n:alpha}").match("/a/ab1")).isEmpty();
        assertThat(new RouteTemplate("/b/{v:bool}").match("/b/TRUE")).isPresent();
    }

    @Test
    void optionalAndCatchAll() {
        RouteTemplate opt = new RouteTemplate("/api/products/{category:alpha}/{id:int?}");
        assertThat(opt.match("/api/products/books")).hasValue(Map.of("category", "books"));
        assertThat(opt.match("/api/products/books/3")).hasValue(Map.of("category", "books", "id", "3"));
        RouteTemplate all = new RouteTemplate("/api/files/{*path}");
        assertThat(all.match("/api/files/a/b/c.txt")).hasValue(Map.of("path", "a/b/c.txt"));
    }

    @Test
    void parametersInsideASegment() {
        RouteTemplate t = new RouteTemplate("/api/report-{year:int}.json");
        assertThat(t.match("/api/report-2026.json")).hasValue(Map.of("year", "2026"));
        assertThat(t.match("/api/report-x.json")).isEmpty();
    }

    @Test
    void literalRoutesOrderBeforeParameterRoutes() {
        RouteTemplate param = new RouteTemplate("/api/calls/{callId}");
        RouteTemplate literal = new RouteTemplate("/api/calls/recent");
        RouteTemplate all = new RouteTemplate("/api/{*rest}");
        List<RouteTemplate> routes = new ArrayList<>(List.of(all, param, literal));
        Collections.sort(routes);
        assertThat(routes).containsExactly(literal, param, all);
    }
}
