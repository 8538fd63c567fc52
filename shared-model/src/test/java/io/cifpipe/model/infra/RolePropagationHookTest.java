package io.cifpipe.model.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * infra/hooks/WaitForRolePropagation.java, the azd predeploy hook: its decision with a fixed clock (compiled here),
 * and the real file run the way azd runs it ({@code java <file>}) against a stand-in {@code az} on PATH.
 */
class RolePropagationHookTest {
    private static final Path HOOK =
            Path.of("..").toAbsolutePath().normalize().resolve("infra/hooks/WaitForRolePropagation.java");
    private static final String OWNER =
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private static final String READER =
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/76199698-9eea-4c19-bc75-cec21354c6b6";
    private static final Instant NOW = Instant.parse("2026-12-07T02:00:00Z");

    @TempDir
    static Path tmp;

    private static Class<?> hook;

    @BeforeAll
    static void compile() throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), HOOK.toString());
        assertThat(rc).isZero();
        hook = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, null)
                .loadClass("WaitForRolePropagation");
    }

    // ---------------------------------------------------------------- decision (fixed clock)

    @Test
    void waitsOnlyForWhatIsLeftOfTheWindowAfterTheNewestAssignment() throws Exception {
        String rows = row("p1", OWNER, "2026-12-07T01:58:20+00:00") // 100 s old
                + row("p2", OWNER, "2026-12-07T01:50:00+00:00")
                + row("p2", READER, "2026-12-07T01:59:59+00:00"); // another role: ignored
        assertThat(plan(env("p1,p2", null), rows)).contains(Duration.ofSeconds(500));
        assertThat(plan(env("p1,p2", "120"), rows)).contains(Duration.ofSeconds(20));
        assertThat(plan(env("p2", "120"), rows)).contains(Duration.ZERO); // 600 s old
        Map<String, String> withSubscription = env("p1,p2", null);
        withSubscription.put("AZURE_SUBSCRIPTION_ID", "sub-1"); // az is pointed at azd's subscription
        assertThat(plan(withSubscription, rows)).contains(Duration.ofSeconds(500));
        assertThat(plan(env("p1", "0"), rows)).isEmpty(); // switched off, az not even asked
        // Fractions of a second are dropped from the age, so the wait errs on the long side.
        assertThat(plan(env("p1", null), row("p1", OWNER, "2026-12-07T01:58:20.900+00:00")))
                .contains(Duration.ofSeconds(501));
        // No offset: ARM times are UTC.
        assertThat(plan(env("p1", null), row("p1", OWNER, "2026-12-07T01:58:20")))
                .contains(Duration.ofSeconds(500));
        // A createdOn in the future (clock skew) counts as brand new, never as a negative wait.
        assertThat(plan(env("p1", "60"), row("p1", OWNER, "2026-12-07T02:05:00Z")))
                .contains(Duration.ofSeconds(60));
    }

    @Test
    void aMissingAssignmentOrBadSettingIsAnErrorWithItsExitCode() throws Exception {
        String rows = row("p1", OWNER, "2026-12-07T01:58:20Z") + row("p2", READER, "2026-12-07T01:58:20Z");
        assertThat(planError(env("p1,p2", null), rows))
                .isEqualTo("1: identity p2 has no Storage Blob Data Owner assignment"
                        + " on st1; run azd provision first");
        assertThat(planError(env("p1", "soon"), rows)).startsWith("2: RBAC_PROPAGATION_SECONDS must be a whole number");
        assertThat(planError(env("p1", "-5"), rows)).startsWith("2: RBAC_PROPAGATION_SECONDS");
        Map<String, String> noGroup = env("p1", null);
        noGroup.remove("AZURE_RESOURCE_GROUP");
        assertThat(planError(noGroup, rows)).startsWith("2: AZURE_RESOURCE_GROUP is not set");
        assertThat(planError(env("p1", null), row("p1", OWNER, "yesterday")))
                .startsWith("1: unexpected createdOn 'yesterday'");
    }

    // ---------------------------------------------------------------- the file as azd runs it

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void theHookRunsWithJavaAndTheAzureCliAndWaits() throws Exception {
        Path bin = fakeAz();
        Path rows = tmp.resolve("rows-new.tsv");
        // Created "in a minute" (skew): counts as new, so the whole 3 s window is waited.
        Files.writeString(rows, row("p1", OWNER, Instant.now().plusSeconds(60).toString()));
        long start = System.nanoTime();
        Result r = run(bin, rows, "3", 0);
        assertThat(r.rc).as(r.out).isZero();
        assertThat(r.out).contains("waiting 3 s for RBAC propagation");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));

        // The other outcomes are decided by plan() (tests above); here only the exit path through the real az call.
        r = run(bin, rows, "600", 3); // az fails (e.g. not logged in)
        assertThat(r.rc).isEqualTo(1);
        assertThat(r.out).contains("predeploy: az storage account failed (exit 3); is az logged in?");
    }

    // ---------------------------------------------------------------- helpers

    private static String row(String principal, String role, String createdOn) {
        return principal + "\t" + role + "\t" + createdOn + "\n";
    }

    private static Map<String, String> env(String principals, String window) {
        Map<String, String> env = new HashMap<>(
                Map.of("AZURE_RESOURCE_GROUP", "rg", "STORAGE_ACCOUNT_NAME", "st1", "APP_PRINCIPAL_IDS", principals));
        if (window != null) env.put("RBAC_PROPAGATION_SECONDS", window);
        return env;
    }

    /** Calls the hook's plan(env, az, clock) with an az that answers from {@code rows}. */
    @SuppressWarnings("unchecked")
    private static Optional<Duration> plan(Map<String, String> env, String rows) throws Exception {
        Class<?> az = Class.forName("WaitForRolePropagation$Az", true, hook.getClassLoader());
        Object fake = Proxy.newProxyInstance(hook.getClassLoader(), new Class<?>[] {az}, (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) throw new UnsupportedOperationException(m.getName());
            String[] a = (String[]) args[0];
            assertThat(a[0]).isIn("storage", "role");
            String subscription = env.get("AZURE_SUBSCRIPTION_ID");
            if (subscription != null) assertThat(List.of(a)).endsWith("--subscription", subscription);
            else assertThat(List.of(a)).doesNotContain("--subscription");
            return a[0].equals("storage")
                    ? "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1\n"
                    : rows;
        });
        Method plan = hook.getDeclaredMethod("plan", Map.class, az, Clock.class);
        plan.setAccessible(true);
        return (Optional<Duration>) plan.invoke(null, env, fake, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** "exitCode: message" of the HookException plan throws. */
    private static String planError(Map<String, String> env, String rows) throws Exception {
        try {
            plan(env, rows);
            throw new AssertionError("expected the hook to refuse");
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            assertThat(t.getClass().getName()).isEqualTo("WaitForRolePropagation$HookException");
            var code = t.getClass().getDeclaredField("exitCode");
            code.setAccessible(true);
            return code.get(t) + ": " + t.getMessage();
        }
    }

    private static Path fakeAz() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path az = bin.resolve("az");
        Files.writeString(az, """
                #!/bin/sh
                [ "${FAKE_AZ_RC:-0}" = 0 ] || exit "$FAKE_AZ_RC"
                case "$1" in
                  storage) echo "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1" ;;
                  role) cat "$FAKE_AZ_ROWS" ;;
                  *) echo "unexpected az $*" >&2; exit 9 ;;
                esac
                """);
        Files.setPosixFilePermissions(az, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private record Result(int rc, String out) {}

    private static Result run(Path bin, Path rows, String window, int azRc) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(javaBin, HOOK.toString())).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.put("PATH", bin + java.io.File.pathSeparator + e.getOrDefault("PATH", ""));
        e.putAll(env("p1", window));
        e.put("FAKE_AZ_ROWS", rows.toString());
        e.put("FAKE_AZ_RC", Integer.toString(azRc));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
