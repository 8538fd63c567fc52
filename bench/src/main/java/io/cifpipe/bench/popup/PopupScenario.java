package io.cifpipe.bench.popup;

import io.cifpipe.bench.core.ScenarioResult;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Call → popup end to end through a running local stack ({@code ./dev up --wait}). Not implemented yet: the run
 * reports the scenario as unavailable (with whether a stack answered) instead of inventing figures.
 */
public final class PopupScenario {
  public record Options(String ingress, int agents, double rate, Duration duration, Duration warmup) {
  }

  private final Options options;
  private final PrintStream progress;

  public PopupScenario(Options options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  public ScenarioResult run() {
    ScenarioResult result = new ScenarioResult("popup", "call → popup end to end through the local stack");
    result.parameter("ingress", options.ingress()).parameter("agents", options.agents()).parameter("rate", options.rate());
    String stack = probe(options.ingress());
    progress.printf("popup: stack at %s: %s%n", options.ingress(), stack);
    return result.unavailable("not yet available: the end-to-end driver is not implemented in this bench version"
        + " (it needs per-agent Entra tokens from the local mock-oauth2 issuer for N synthetic agents, presence"
        + " negotiate on :7073, the ingress function key, and a call-outcomes reader that does not compete with the"
        + " devstack's own outcome subscriber); stack probe: " + stack);
  }

  static String probe(String ingress) {
    try {
      HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
          HttpRequest.newBuilder(URI.create(ingress + "/api/calls/probe")).timeout(Duration.ofSeconds(3)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return "answered HTTP " + r.statusCode();
    } catch (Exception e) {
      return "not running (" + e.getClass().getSimpleName() + ")";
    }
  }
}
