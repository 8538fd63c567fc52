import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * azd predeploy hook (run as {@code java infra/hooks/WaitForRolePropagation.java}, Java 17 source launcher, no
 * dependencies): waits until the apps' storage role assignments can have taken effect before azd uploads packages.
 *
 * <p>Why: on Flex Consumption the platform stores the package in the deployment container with the app's own
 * identity, whose Storage Blob Data Owner assignment {@code azd provision} created moments earlier, and Azure RBAC
 * changes "can take up to 10 minutes to take effect" (Microsoft Learn, Troubleshoot Azure RBAC). No Bicep construct
 * can wait for that (a deployment script would need a shared-key storage account, which this deployment disables),
 * so this hook reads when each assignment was created and sleeps only for what is left of the window. Later deploys
 * find old assignments and do not wait.
 *
 * <p>Environment (azd passes the provision outputs): {@code AZURE_RESOURCE_GROUP}, {@code STORAGE_ACCOUNT_NAME},
 * {@code APP_PRINCIPAL_IDS} (comma-separated), {@code AZURE_SUBSCRIPTION_ID} (used when set); optional
 * {@code RBAC_PROPAGATION_SECONDS} (default 600, 0 = no wait).
 * Needs {@code az} logged in. Exit codes: 0 ready, 1 Azure state not as provisioned, 2 bad configuration.
 */
public final class WaitForRolePropagation {
    /** Storage Blob Data Owner: host storage (keys, timer leases) and the Flex deployment container. */
    static final String BLOB_DATA_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    static final long DEFAULT_WINDOW_SECONDS = 600;

    public static void main(String[] args) throws InterruptedException {
        try {
            Optional<Duration> wait = plan(System.getenv(), WaitForRolePropagation::az, Clock.systemUTC());
            if (wait.isPresent() && !wait.get().isZero()) Thread.sleep(wait.get().toMillis());
        } catch (HookException e) {
            System.err.println("predeploy: " + e.getMessage());
            System.exit(e.exitCode);
        }
    }

    /** Decides how long to wait (empty: waiting is switched off); prints what it found. */
    static Optional<Duration> plan(Map<String, String> env, Az az, Clock clock) throws HookException {
        String group = require(env, "AZURE_RESOURCE_GROUP");
        String account = require(env, "STORAGE_ACCOUNT_NAME");
        List<String> principals = List.of(require(env, "APP_PRINCIPAL_IDS").split(",")).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        long window = windowSeconds(env.get("RBAC_PROPAGATION_SECONDS"));
        if (window == 0) {
            System.out.println("predeploy: RBAC_PROPAGATION_SECONDS=0, not waiting for role propagation");
            return Optional.empty();
        }
        // azd's subscription, not whatever `az account set` last chose.
        String subscription = env.getOrDefault("AZURE_SUBSCRIPTION_ID", "");
        Az inSubscription = subscription.isBlank() ? az : a -> az.run(concat(a, "--subscription", subscription));
        String scope = inSubscription.run("storage", "account", "show", "-g", group, "-n", account, "--query", "id", "-o", "tsv").trim();
        if (scope.isEmpty()) throw new HookException(1, "storage account " + account + " not found in " + group);
        // All assignments at the account, filtered here: no Microsoft Graph lookup (--assignee) and no shell
        // metacharacters in the query (cmd.exe runs az on Windows).
        String rows = inSubscription.run("role", "assignment", "list", "--scope", scope,
                "--query", "[].[principalId,roleDefinitionId,createdOn]", "-o", "tsv");
        Instant newest = Instant.EPOCH;
        for (String principal : principals) {
            Instant created = null;
            for (String row : rows.split("\\R")) {
                String[] f = row.trim().split("\\t");
                if (f.length == 3 && f[0].equalsIgnoreCase(principal) && f[1].toLowerCase().endsWith(BLOB_DATA_OWNER)) {
                    Instant t = parseCreatedOn(f[2]);
                    created = created == null || t.isAfter(created) ? t : created;
                }
            }
            if (created == null) {
                throw new HookException(1, "identity " + principal + " has no Storage Blob Data Owner assignment on "
                        + account + "; run azd provision first");
            }
            newest = created.isAfter(newest) ? created : newest;
        }
        long age = Math.max(0, Duration.between(newest, clock.instant()).toSeconds());
        if (age >= window) {
            System.out.println("predeploy: storage role assignments are " + age + " s old (>= " + window + " s); no wait");
            return Optional.of(Duration.ZERO);
        }
        long left = window - age;
        System.out.println("predeploy: storage role assignments are " + age + " s old; waiting " + left
                + " s for RBAC propagation (RBAC_PROPAGATION_SECONDS=" + window + ")");
        return Optional.of(Duration.ofSeconds(left));
    }

    static long windowSeconds(String value) throws HookException {
        if (value == null || value.isBlank()) return DEFAULT_WINDOW_SECONDS;
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 0) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new HookException(2, "RBAC_PROPAGATION_SECONDS must be a whole number of seconds, got '" + value + "'");
    }

    /** ARM's createdOn, e.g. {@code 2026-12-07T01:02:03.456789+00:00}; UTC when no offset is given. */
    static Instant parseCreatedOn(String s) throws HookException {
        try {
            return OffsetDateTime.parse(s.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s.trim()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new HookException(1, "unexpected createdOn '" + s + "' from az role assignment list");
            }
        }
    }

    private static String[] concat(String[] a, String... more) {
        String[] out = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }

    private static String require(Map<String, String> env, String name) throws HookException {
        String v = env.get(name);
        if (v == null || v.isBlank()) throw new HookException(2, name + " is not set; run through azd (needs the provision outputs)");
        return v;
    }

    @FunctionalInterface
    interface Az {
        String run(String... args) throws HookException;
    }

    /** Runs the Azure CLI and returns its stdout; stderr goes to the console. */
    static String az(String... args) throws HookException {
        List<String> cmd = new ArrayList<>();
        if (System.getProperty("os.name", "").startsWith("Windows")) {
            cmd.add("cmd");
            cmd.add("/c");
        }
        cmd.add("az");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int rc = p.waitFor();
            if (rc != 0) throw new HookException(1, "az " + args[0] + " " + args[1] + " failed (exit " + rc + "); is az logged in?");
            return out;
        } catch (IOException e) {
            throw new HookException(1, "cannot run az: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HookException(1, "interrupted");
        }
    }

    static final class HookException extends Exception {
        final int exitCode;

        HookException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }
}
