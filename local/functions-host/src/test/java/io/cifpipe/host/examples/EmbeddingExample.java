package io.cifpipe.host.examples;

import io.cifpipe.host.FunctionsHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The embedding example of local/functions-host/README.md, compiled here (shared-runtime's ReadmeSnippetsTest compares). */
final class EmbeddingExample {
    private EmbeddingExample() {}

    static void embed() throws Exception {
        // snippet:start FunctionsHostEmbedding
        try (FunctionsHost host = FunctionsHost.builder()
                .appDirectory(Path.of("functions-presence/target/azure-functions/cifpipe-presence"))
                .appName("cifpipe-presence")            // optional, default: folder name (used in logs)
                .port(7073)                             // 0 = any free port; read back with host.port()
                .settings(Map.of("AzureSignalRConnectionString", "...", "ServiceBusConnection", "..."))
                .masterKey("...")                       // admin level + /admin/*; random when not set
                .hostKeys(Map.of("default", "..."))     // valid for every function-level function; random "default" when not set
                .functionKeys(Map.of("postCalls", "...")) // per function name
                .cors(List.of("http://localhost:8080"), true)    // optional host-level CORS (default: local.settings.json Host.CORS)
                .inProcess(false)                       // default false = own child JVM (see below)
                .jvmOptions(List.of("-Xmx256m"))        // child JVM options
                .childLog(Path.of(".devstack/logs/presence.log")) // child's log + stdout to a file instead of the console
                .build()) {
            host.start();                 // blocks until listening; FunctionsHostException with the fix on failure
            host.url();                   // http://127.0.0.1:7073
            host.keys();                  // HostKeys (toString never prints values)
            host.functions();             // functions that run
            host.functionErrors();        // function -> reason, for functions "in error" (they are skipped, the rest run)
        }
        // snippet:end
    }
}
