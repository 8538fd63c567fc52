package io.cifpipe.solution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The zips this build produced (target/), checked against the sources as they are now: the bytes of every web
 * resource equal client/dist (the bundle the client tests ran), client/webresource and the module's own files.
 */
class SolutionArtifactIT {
    @Test
    void builtZipsMatchTheirSources() throws Exception {
        Path root = Path.of(System.getProperty("solution.repoRoot"));
        Path out = Path.of(System.getProperty("solution.out"));
        String version = SolutionVersion.fromMaven(
                System.getProperty("solution.mavenVersion"),
                Long.parseLong(
                        System.getProperty("solution.build", "0").isBlank()
                                ? "0"
                                : System.getProperty("solution.build")));
        Map<String, byte[]> expected = new LinkedHashMap<>();
        new SolutionSources(root).collect().forEach(w -> expected.put(w.name(), w.content()));
        assertThat(expected)
                .containsKeys(
                        SolutionModel.PANEL_PAGE,
                        SolutionModel.BUNDLE,
                        SolutionModel.SETTINGS_SCRIPT,
                        SolutionModel.RELAY_PAGE,
                        SolutionModel.WEB_RESOURCE_FOLDER + "redirectBridge.js");
        // The panel page loads settings.js, which loads the bundle once the environment variables are read.
        assertThat(new String(expected.get(SolutionModel.PANEL_PAGE), java.nio.charset.StandardCharsets.UTF_8))
                .contains("<script src=\"settings.js\" data-bundle=\"signalRadaptor.js\"></script>");
        assertThat(expected.get(SolutionModel.BUNDLE))
                .isEqualTo(Files.readAllBytes(root.resolve("client/dist/signalRadaptor.js")));
        for (boolean managed : new boolean[] {false, true}) {
            String file = SolutionModel.UNIQUE_NAME + "_" + SolutionVersion.underscored(version)
                    + (managed ? "_managed" : "") + ".zip";
            Path zip = out.resolve(file);
            assertThat(zip).exists();
            assertThat(SolutionChecker.check(zip, new SolutionChecker.Expectation(version, managed, expected)))
                    .isEmpty();
        }
    }
}
