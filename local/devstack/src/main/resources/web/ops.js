import { getJson, el, renderNav, fmtTime, fmtMs, pill } from "/common.js";

renderNav("ops");
const config = await getJson("/api/config");
const agentName = Object.fromEntries(config.agents.map((a) => [a.oid, a.name]));
const TERMINAL = ["Accepted", "Rejected", "Expired", "Withdrawn", "Undeliverable", "Unavailable"];

function errorRow(cols, e) {
  return el("tr", {}, el("td", { colspan: cols, class: "empty" }, `Not available: ${e.message}`));
}

// The emulator's admin endpoint lists queues; accept an array or a {name: {...}} map and show the numbers it has.
function normaliseQueues(data) {
  const list = Array.isArray(data)
    ? data
    : Array.isArray(data.queues)
      ? data.queues
      : Object.entries(data.queues || data).map(([name, v]) => ({ name, ...v }));
  return list.map((q) => ({
    name: q.name || q.queue || "?",
    active: q.activeMessageCount ?? q.active ?? q.activeMessages ?? q.messageCount ?? 0,
    deadLetter: q.deadLetterMessageCount ?? q.deadLetter ?? q.deadLetters ?? q.deadLetterCount ?? 0,
    scheduled: q.scheduledMessageCount ?? q.scheduled ?? 0,
    locked: q.lockedMessageCount ?? q.locked ?? q.inFlight ?? null,
  }));
}

async function loadQueues() {
  const host = document.getElementById("queues");
  try {
    const queues = normaliseQueues(await getJson("/api/state/queues"));
    host.replaceChildren(
      ...queues.map((q) =>
        el(
          "section",
          { class: "card", dataset: { queue: q.name } },
          el("h2", { style: "overflow-wrap:anywhere" }, q.name), // subscription paths are long
          el(
            "div",
            { class: "row", style: "gap:28px" },
            el("div", {}, el("div", { class: "stat" }, q.active), el("div", { class: "stat-label" }, "active")),
            q.locked == null
              ? null
              : el("div", {}, el("div", { class: "stat" }, q.locked), el("div", { class: "stat-label" }, "locked")),
            el("div", {}, el("div", { class: "stat" }, q.scheduled), el("div", { class: "stat-label" }, "scheduled")),
            el(
              "div",
              {},
              el("div", { class: "stat", style: q.deadLetter > 0 ? "color:var(--bad)" : "" }, q.deadLetter),
              el("div", { class: "stat-label" }, "dead-lettered"),
            ),
          ),
        ),
      ),
    );
  } catch (e) {
    host.replaceChildren(
      el(
        "section",
        { class: "card" },
        el("h2", {}, "Queues"),
        el("p", { class: "empty" }, `Not available: ${e.message}`),
      ),
    );
  }
}

// "Clients": one entry per connection (tab/device) with the client's own user agent when presence has it. The
// SignalR upstream request carries the service's user agent, not the browser's, so that one is not shown as a client.
const UPSTREAM_AGENTS = /^(signalr-emulator|Azure-SignalR|Microsoft-ASRS)/i;
function clientLabel(c) {
  const ua = c.UserAgent || "";
  const id = (c.RowKey || "").slice(0, 8);
  if (!ua || UPSTREAM_AGENTS.test(ua)) return `${id}…`;
  const browser = /(Edg|Chrome|Firefox|Safari)\/([\d]+)/.exec(ua);
  const sdk = /SignalR\/([\d.]+)/.exec(ua);
  return `${id}… ${browser ? `${browser[1]} ${browser[2]}` : sdk ? `SignalR ${sdk[1]}` : ua.split(" ")[0]}`;
}

async function loadConnections() {
  const body = document.getElementById("connections");
  try {
    const byAgent = await getJson("/api/state/connections");
    const rows = Object.entries(byAgent);
    if (rows.length === 0) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 4, class: "empty" }, "No agent connected.")));
      return;
    }
    body.replaceChildren(
      ...rows.map(([agent, conns]) => {
        const last = conns
          .map((c) => c.LastSeenAt || c.Timestamp)
          .sort()
          .at(-1);
        return el(
          "tr",
          {},
          el("td", {}, el("div", {}, agentName[agent] || agent), el("div", { class: "mono muted" }, agent)),
          el("td", { class: "num" }, conns.length),
          el("td", {}, fmtTime(last)),
          el(
            "td",
            { class: "mono muted clients" },
            ...conns.map((c) => el("div", { title: `connection ${c.RowKey}\n${c.UserAgent || ""}` }, clientLabel(c))),
          ),
        );
      }),
    );
  } catch (e) {
    body.replaceChildren(errorRow(4, e));
  }
}

function ms(a, b) {
  if (!a || !b) return "";
  return fmtMs(new Date(b) - new Date(a));
}

const STATES = ["Offered", "Delivered", "Accepted", "Rejected", "Expired", "Withdrawn", "Undeliverable", "Unavailable"];
function renderStateCounts(rows) {
  const counts = Object.fromEntries(STATES.map((s) => [s, 0]));
  for (const r of rows) {
    const s = r.State ? r.State[0] + r.State.slice(1).toLowerCase() : "";
    if (s in counts) counts[s]++;
  }
  document
    .getElementById("state-counts")
    .replaceChildren(
      el("h2", {}, "Notifications by state", el("span", { class: "hint" }, `last ${rows.length}`)),
      el(
        "div",
        { style: "display:grid;grid-template-columns:repeat(auto-fill,minmax(96px,1fr));gap:10px 12px" },
        ...STATES.map((s) => el("div", {}, el("div", { class: "stat", style: "font-size:22px" }, counts[s]), pill(s))),
      ),
    );
}

async function loadLedger() {
  const body = document.getElementById("ledger");
  try {
    const rows = await getJson("/api/state/ledger?limit=100");
    renderStateCounts(rows);
    if (rows.length === 0) {
      body.replaceChildren(
        el(
          "tr",
          {},
          el(
            "td",
            { colspan: 11, class: "empty" },
            "No notifications yet — place a call from the telephony simulator.",
          ),
        ),
      );
      return;
    }
    body.replaceChildren(
      ...rows.map((r) => {
        const state = r.State ? r.State[0] + r.State.slice(1).toLowerCase() : "";
        const terminalAt = TERMINAL.map((s) => r[`${s}At`]).find(Boolean);
        return el(
          "tr",
          {},
          el("td", { class: "mono ellipsis", title: r.NotificationId || "" }, r.NotificationId || ""),
          el("td", { class: "mono" }, r.PartitionKey),
          el("td", {}, agentName[r.RowKey] || r.RowKey),
          el("td", {}, pill(state)),
          el("td", {}, fmtTime(r.OfferedAt)),
          el("td", {}, fmtTime(r.DeliveredAt)),
          el("td", {}, fmtTime(terminalAt)),
          el("td", { class: "num" }, ms(r.OfferedAt, r.DeliveredAt)),
          el("td", { class: "num" }, ms(r.OfferedAt, terminalAt)),
          el("td", { class: "num" }, r.Attempts ?? ""),
          el("td", { class: "muted" }, r.Reason || ""),
        );
      }),
    );
  } catch (e) {
    body.replaceChildren(errorRow(11, e));
  }
}

// Replay goes through the ops library (same safe path as './dev ops dlq replay'): by call, or the whole queue.
// "Replay all" first asks the server what it would do (dry run), confirms with that count, then follows the job.
const banner = () => document.getElementById("dlq-banner");
let replayBusy = false;

function showBanner(kind, ...content) {
  banner().replaceChildren(el("div", { class: `banner ${kind}` }, ...content));
}

function summaryText(queue, callId, r) {
  const extra = [...r.skipped, ...r.failed, ...(r.warnings || [])].join("; ");
  return `${queue}${callId ? ` call ${callId}` : ""}: replayed ${r.replayed}, skipped ${r.skipped.length}, failed ${r.failed.length}${extra ? ` — ${extra}` : ""}`;
}

async function confirmReplay(queue, callId, button, force = false) {
  if (replayBusy) return;
  button.disabled = true;
  try {
    const preview = await getJson("/api/state/dlq/replay", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ queue, ...(callId ? { callId } : {}), dryRun: true, force }),
    });
    const n = preview.replayed,
      refused = preview.skipped.length;
    const what = callId ? `call ${callId}` : `all of ${queue}`;
    if (n === 0) {
      showBanner(
        "warn",
        `Nothing to replay for ${what}: ${refused} refused — ${preview.skipped.join("; ")}`,
        refused && !force
          ? el(
              "div",
              { class: "confirm", style: "margin-top:8px" },
              el(
                "button",
                { class: "small", onclick: (ev) => confirmReplay(queue, callId, ev.target, true) },
                "Check again with force…",
              ),
            )
          : null,
      );
      button.disabled = false;
      return;
    }
    showBanner(
      force ? "warn" : "info",
      el(
        "div",
        {},
        `Replay ${n} dead-lettered message${n === 1 ? "" : "s"} (${what}) back to ${queue}?`,
        refused ? ` ${refused} will be skipped: ${preview.skipped.join("; ")}` : "",
        preview.warnings && preview.warnings.length ? ` Forced, will fail again: ${preview.warnings.join("; ")}` : "",
      ),
      el(
        "div",
        { class: "confirm", style: "margin-top:8px" },
        el(
          "button",
          { class: "small primary", id: "dlq-confirm", onclick: () => runReplay(queue, callId, force, n) },
          `Replay ${n}`,
        ),
        el(
          "button",
          {
            class: "small",
            onclick: () => {
              banner().replaceChildren();
              button.disabled = false;
            },
          },
          "Cancel",
        ),
      ),
    );
  } catch (e) {
    showBanner("warn", e.message);
    button.disabled = false;
  }
}

async function runReplay(queue, callId, force, expected) {
  replayBusy = true;
  try {
    let job = await getJson("/api/state/dlq/replay", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ queue, ...(callId ? { callId } : {}), force, expected }),
    });
    const bar = el("progress", { max: Math.max(1, expected), value: 0, "aria-label": "replay progress" });
    const label = el("span", {}, `Replaying… 0 of ${expected}`);
    showBanner("info", label, bar);
    for (let i = 0; i < 600 && (job.state === "queued" || job.state === "running"); i++) {
      await new Promise((r) => setTimeout(r, 300));
      job = await getJson(`/api/state/dlq/replay/${job.id}`);
      bar.value = Math.min(job.processed, bar.max);
      label.textContent = `Replaying… ${job.processed} of ${expected}`;
    }
    if (job.state === "finished") {
      showBanner(job.result.failed.length ? "warn" : "info", summaryText(queue, callId, job.result));
    } else {
      showBanner("warn", `Replay ${job.state}: ${job.error || "still running; see ./dev ops dlq list"}`);
    }
  } catch (e) {
    showBanner("warn", e.message);
  } finally {
    replayBusy = false;
    loadDlq();
  }
}

async function loadDlq() {
  const body = document.getElementById("dlq");
  try {
    const results = await Promise.all(
      config.queues.map((q) => getJson(`/api/state/dlq?queue=${encodeURIComponent(q)}`)),
    );
    const msgs = results.flatMap((r) => r.messages.map((m) => ({ ...m, queue: r.queue })));
    const all = document.getElementById("dlq-all");
    // A subscription's dead letters cannot be replayed (no send to one subscription); list and purge them with the CLI.
    const replayable = (q) => !q.includes("/subscriptions/");
    if (!replayBusy) {
      all.replaceChildren(
        ...results
          .filter((r) => r.messages.length && replayable(r.queue))
          .map((r) =>
            el(
              "button",
              { class: "small", onclick: (ev) => confirmReplay(r.queue, null, ev.target) },
              `Replay all ${r.queue} (${r.messages.length}${r.messages.length >= 50 ? "+" : ""})…`,
            ),
          ),
      );
    }
    if (msgs.length === 0) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 3, class: "empty" }, "No dead-lettered messages.")));
      return;
    }
    body.replaceChildren(
      ...msgs.map((m) =>
        el(
          "tr",
          { dataset: { seq: m.sequenceNumber } },
          el(
            "td",
            { class: "mono", title: m.body },
            el("div", {}, m.callId || m.messageId),
            el(
              "div",
              { class: "muted" },
              [m.type, m.agentId && (agentName[m.agentId] || m.agentId)].filter(Boolean).join(" · "),
            ),
            el("div", { class: "muted" }, `${m.queue} #${m.sequenceNumber} · ${m.deliveryCount} deliveries`),
          ),
          el(
            "td",
            {},
            el("div", { class: "cause" }, m.cause || m.deadLetterErrorDescription || ""),
            el(
              "div",
              { class: "muted" },
              [m.causeReason !== m.deadLetterReason ? m.causeReason : null, m.deadLetterReason]
                .filter(Boolean)
                .join(" · "),
            ),
            m.wouldFail ? el("div", { class: "muted would-fail" }, `Replay would fail again: ${m.wouldFail}`) : null,
          ),
          el(
            "td",
            {},
            m.callId && replayable(m.queue)
              ? el(
                  "button",
                  {
                    class: "small",
                    title: "Send this call's dead letters back to the queue (ops library)",
                    onclick: (ev) => confirmReplay(m.queue, m.callId, ev.target),
                  },
                  "Replay…",
                )
              : null,
          ),
        ),
      ),
    );
  } catch (e) {
    body.replaceChildren(errorRow(3, e));
  }
}

// Supervisor view: figures for the last 15 min and today, agents, ringing calls, and a per-minute chart (inline SVG).
const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function chart(perMinute) {
  const W = 300,
    H = 90,
    pad = 14,
    n = perMinute.length;
  const max = Math.max(1, ...perMinute.map((m) => m.offered));
  const bw = (W - pad) / n;
  const series = [
    ["offered", "#9db7de"],
    ["accepted", "#13803b"],
    ["lost", "#c42b1c"],
  ];
  const bars = perMinute.flatMap((m, i) =>
    series.map(([key, color], j) => {
      const h = (m[key] / max) * (H - pad);
      const t = svg("title", {});
      t.textContent = `${fmtTime(m.minute)}: ${key} ${m[key]}`;
      return svg(
        "rect",
        { x: pad + i * bw + j * (bw / 3), y: H - pad - h, width: Math.max(1, bw / 3 - 1), height: h, fill: color },
        t,
      );
    }),
  );
  const axis = svg("text", { x: 0, y: 10, "font-size": 9, fill: "#5b6475" });
  axis.textContent = String(max);
  const s = svg(
    "svg",
    {
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": "calls per minute, last 15 minutes: offered, accepted, lost",
    },
    svg("line", { x1: pad, y1: H - pad, x2: W, y2: H - pad, stroke: "#dde1e8" }),
    axis,
    ...bars,
  );
  const legend = el(
    "div",
    { class: "legend" },
    ...series.map(([k, c]) => el("span", {}, el("span", { class: "swatch", style: `background:${c}` }), k)),
    el("span", {}, "(lost = missed + unavailable + undeliverable)"),
  );
  return el("div", { class: "chart" }, s, legend);
}

function figure(label, now, today, sub) {
  return el(
    "div",
    { class: "figure", dataset: { figure: label } },
    el("div", { class: "stat" }, blank(now) ? "–" : now),
    el("div", { class: "stat-label" }, label),
    el("div", { class: "sub" }, `today ${blank(today) ? "–" : today}${sub ? ` · ${sub}` : ""}`),
  );
}

function blank(v) {
  return v === null || v === undefined || v === "";
}

function reasons(map) {
  return Object.entries(map || {})
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

async function loadSupervisor() {
  const figures = document.getElementById("sup-figures");
  try {
    const v = await getJson("/api/state/supervisor");
    const r = v.last15m,
      t = v.today;
    figures.replaceChildren(
      figure("offered (15 min)", r.offered, t.offered),
      figure("accepted", r.accepted, t.accepted),
      figure("rejected", r.rejected, t.rejected, reasons(r.rejectedByReason)),
      figure("missed", r.missed, t.missed),
      figure("unavailable", r.unavailable, t.unavailable, reasons(r.unavailableByReason)),
      figure("undeliverable", r.undeliverable, t.undeliverable),
      figure("answer p50", fmtMs(r.answerMsP50), fmtMs(t.answerMsP50)),
      figure("answer p90", fmtMs(r.answerMsP90), fmtMs(t.answerMsP90)),
    );
    const agents = document.getElementById("sup-agents");
    agents.replaceChildren(
      ...(v.agents.length
        ? v.agents.map((a) =>
            el(
              "tr",
              {},
              el(
                "td",
                {},
                el("div", {}, a.name),
                el(
                  "div",
                  { class: "muted" },
                  a.signedIn
                    ? `signed in · ${a.connections} connection${a.connections === 1 ? "" : "s"}`
                    : "signed out",
                ),
              ),
              el(
                "td",
                {},
                el("span", { class: `pill avail-${a.availability}` }, a.availability),
                a.availabilityReason ? el("div", { class: "muted" }, a.availabilityReason) : null,
                a.capacity ? el("div", { class: "muted" }, `${a.activeCalls ?? 0} of ${a.capacity} calls`) : null,
              ),
              el(
                "td",
                {},
                a.currentCall
                  ? el(
                      "div",
                      {},
                      el("div", {}, a.currentCall.caller || a.currentCall.callId),
                      el("div", { class: "muted" }, `since ${fmtTime(a.currentCall.acceptedAt)}`),
                    )
                  : el("span", { class: "muted" }, "—"),
              ),
              el("td", { class: "num" }, a.ringingNow),
            ),
          )
        : [el("tr", {}, el("td", { colspan: 4, class: "empty" }, "No agents known yet."))]),
    );
    const ringing = document.getElementById("sup-ringing");
    ringing.replaceChildren(
      ...(v.ringing.length
        ? v.ringing.map((c) =>
            el(
              "tr",
              {},
              el("td", { class: "mono" }, c.callId),
              el("td", {}, c.agent),
              el("td", {}, c.caller),
              el("td", { class: "num" }, fmtMs(c.ringingMs)),
            ),
          )
        : [el("tr", {}, el("td", { colspan: 4, class: "empty" }, "Nothing ringing."))]),
    );
    document.getElementById("sup-chart").replaceChildren(chart(v.perMinute));
  } catch (e) {
    figures.replaceChildren(el("p", { class: "empty" }, `Not available: ${e.message}`));
  }
}

// The ops dashboard is a consumer of its own: subscription 'operations' of call-outcomes (terminal outcomes only).
async function loadTerminalOutcomes() {
  const body = document.getElementById("terminal-outcomes");
  try {
    const outcomes = (await getJson("/api/ops/outcomes")).slice(-25).reverse();
    if (outcomes.length === 0) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "empty" }, "No terminal outcome yet.")));
      return;
    }
    body.replaceChildren(
      ...outcomes.map((o) =>
        el(
          "tr",
          {},
          el("td", {}, fmtTime(o.at)),
          el("td", {}, pill(o.outcome)),
          el("td", { class: "mono" }, o.callId),
          el("td", {}, agentName[o.agentId] || o.agentId),
          el("td", { class: "muted" }, o.reason || ""),
        ),
      ),
    );
  } catch (e) {
    body.replaceChildren(errorRow(5, e));
  }
}

async function refresh() {
  await Promise.allSettled([
    loadSupervisor(),
    loadQueues(),
    loadConnections(),
    loadLedger(),
    loadDlq(),
    loadTerminalOutcomes(),
  ]);
  document.getElementById("updated").textContent = `Updated ${fmtTime(Date.now())}`;
}
await refresh();
setInterval(refresh, 3000);
