package io.cifpipe.solution;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dataverse solution versions have four numeric parts ({@code major.minor.build.revision}); Maven's have three and
 * an optional qualifier. Mapping: {@code x.y.z[-qualifier]} → {@code x.y.z.w}, w = the CI build number (default 0).
 * The qualifier is dropped, so a SNAPSHOT and its release differ only by w: importing a managed upgrade needs a
 * higher version, which a growing build number gives.
 */
public final class SolutionVersion {
    private static final Pattern MAVEN = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:[-.].*)?");
    private static final Pattern DATAVERSE = Pattern.compile("\\d{1,10}\\.\\d{1,10}\\.\\d{1,10}\\.\\d{1,10}");

    private SolutionVersion() {}

    public static String fromMaven(String mavenVersion, long build) {
        Matcher m = MAVEN.matcher(mavenVersion == null ? "" : mavenVersion.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Maven version: " + mavenVersion);
        }
        List<Long> parts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            parts.add(m.group(i) == null ? 0L : Long.parseLong(m.group(i)));
        }
        parts.add(build);
        String v = parts.get(0) + "." + parts.get(1) + "." + parts.get(2) + "." + parts.get(3);
        requireValid(v);
        return v;
    }

    /** Each part must fit Dataverse's int (the import rejects larger numbers). */
    public static void requireValid(String version) {
        if (version == null || !DATAVERSE.matcher(version).matches()) {
            throw new IllegalArgumentException("Dataverse version must be x.y.z.w (digits): " + version);
        }
        for (String p : version.split("\\.")) {
            if (Long.parseLong(p) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("version part out of range (max 2147483647): " + version);
            }
        }
    }

    /** {@code 0.1.0.7} → {@code 0_1_0_7}, as Dynamics names exported files. */
    public static String underscored(String version) {
        return version.replace('.', '_');
    }
}
