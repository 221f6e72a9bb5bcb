package io.tiergate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteOptionsTest {

    @Test
    void noHeadersUseTheCache() {
        assertThat(RouteOptions.fromHeaders(List.of(), List.of())).isEqualTo(RouteOptions.DEFAULT);
        assertThat(RouteOptions.fromHeaders(List.of("max-age=0", "public"), List.of())).isEqualTo(RouteOptions.DEFAULT);
    }

    @Test
    void noCacheSkipsTheLookupButStoresTheFreshAnswer() {
        for (String value : List.of("no-cache", "No-Cache", "max-age=0, no-cache", " no-cache ,public")) {
            assertThat(RouteOptions.fromHeaders(List.of(value), List.of())).as(value)
                    .isEqualTo(new RouteOptions(false, true));
        }
        assertThat(RouteOptions.fromHeaders(List.of(), List.of("no-cache"))).isEqualTo(new RouteOptions(false, true));
    }

    @Test
    void noStoreKeepsTheAnswerOutOfTheCacheToo() {
        assertThat(RouteOptions.fromHeaders(List.of("no-store"), List.of())).isEqualTo(new RouteOptions(false, false));
        assertThat(RouteOptions.fromHeaders(List.of("no-cache", "no-store"), List.of()))
                .isEqualTo(new RouteOptions(false, false));
    }
}
