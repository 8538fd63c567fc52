package io.cifpipe.solution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SolutionVersionTest {
    @Test
    void mavenVersionsMapToFourParts() {
        assertThat(SolutionVersion.fromMaven("0.1.0-SNAPSHOT", 0)).isEqualTo("0.1.0.0");
        assertThat(SolutionVersion.fromMaven("1.2.3", 45)).isEqualTo("1.2.3.45");
        assertThat(SolutionVersion.fromMaven("2", 7)).isEqualTo("2.0.0.7");
        assertThat(SolutionVersion.fromMaven("1.4-rc1", 0)).isEqualTo("1.4.0.0");
        assertThat(SolutionVersion.underscored("0.1.0.7")).isEqualTo("0_1_0_7");
    }

    @Test
    void rejectsWhatDataverseRejects() {
        assertThatThrownBy(() -> SolutionVersion.fromMaven("SNAPSHOT", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SolutionVersion.fromMaven("1.0.0", 3_000_000_000L))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> SolutionVersion.requireValid("1.0.0")).hasMessageContaining("x.y.z.w");
        assertThatThrownBy(() -> SolutionVersion.requireValid("1.0.0.a")).hasMessageContaining("x.y.z.w");
    }
}
