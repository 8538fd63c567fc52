// Ops dashboard "Metrics" card: the Functions hosts' OpenTelemetry metrics and recent spans, from
// GET /api/state/metrics (files under .devstack/telemetry; names in docs/telemetry.md). Refreshes every 5 s.
import { getJson, el, fmtMs } from "/common.js";

const STAGES = [
  ["dispatched", "Accepted → dispatched"],
  ["delivered", "Accepted → delivered"],
  ["decided", "Delivered → decided (answer time)"],
];

function kv(label, value) {
  return el("tr", {}, el("td", {}, label), el("td", { class: "num" }, String(value)));
}

function render(root, data) {
  const s = data.summary || {};
  const counts = el(
    "table",
    { "aria-label": "Counters" },
    el(
      "tbody",
      {},
      kv("Call events accepted", s.ingressEvents ?? 0),
      kv("Offline retries", s.retries ?? 0),
      kv("Dispatch failures", s.failures ?? 0),
      kv("Dead-letter moves", s.dlqMoves ?? 0),
      kv("Open connections (presence)", s.connections ?? 0),
      ...Object.entries(s.outcomes || {}).map(([o, n]) => kv(`Outcome ${o}`, n)),
      ...Object.entries(s.agents || {}).map(([a, n]) => kv(`Agents ${a}`, n)),
    ),
  );
  const stages = el(
    "table",
    { "aria-label": "Stage latency" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", {}, "Stage"),
        el("th", { class: "num" }, "Count"),
        el("th", { class: "num" }, "p50 ≤"),
        el("th", { class: "num" }, "p90 ≤"),
      ),
    ),
    el(
      "tbody",
      {},
      STAGES.map(([key, label]) => {
        const st = (s.stages || {})[key];
        return el(
          "tr",
          {},
          el("td", {}, label),
          el("td", { class: "num" }, st ? st.count : 0),
          el("td", { class: "num" }, st ? fmtMs(st.p50 * 1000) : ""),
          el("td", { class: "num" }, st ? fmtMs(st.p90 * 1000) : ""),
        );
      }),
    ),
  );
  const spans = el(
    "table",
    { "aria-label": "Recent spans" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", {}, "Span"),
        el("th", {}, "Trace"),
        el("th", { class: "num" }, "Duration"),
        el("th", {}, "Status"),
      ),
    ),
    el(
      "tbody",
      {},
      (data.recentSpans || [])
        .slice(0, 12)
        .map((sp) =>
          el(
            "tr",
            {},
            el("td", {}, sp.name),
            el("td", { title: sp.traceId }, String(sp.traceId || "").slice(0, 8) + "…"),
            el("td", { class: "num" }, fmtMs(sp.durationMs)),
            el("td", {}, sp.status),
          ),
        ),
    ),
  );
  const apps = (data.apps || []).map((a) => a.service).join(", ") || "none yet";
  root.replaceChildren(
    el("h2", {}, "Metrics ", el("span", { class: "hint" }, `OpenTelemetry, apps: ${apps}; GET /api/state/metrics`)),
    el("div", { class: "grid three" }, counts, stages, el("div", { class: "scroll" }, spans)),
  );
}

async function refresh() {
  const root = document.getElementById("metrics");
  if (!root) return;
  try {
    render(root, await getJson("/api/state/metrics"));
  } catch (e) {
    root.replaceChildren(el("h2", {}, "Metrics"), el("p", { class: "empty" }, `Metrics unavailable: ${e.message}`));
  }
}

refresh();
setInterval(refresh, 5000);
