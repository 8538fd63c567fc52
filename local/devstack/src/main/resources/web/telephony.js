import { getJson, el, renderNav, fmtTime, fmtMs, pill, uuid } from "/common.js";

renderNav("telephony");
const config = await getJson("/api/config");
const agentName = Object.fromEntries(config.agents.map((a) => [a.oid, a.name]));
const calls = new Map(); // callId -> { row data }

// Agent picker: the agent id is the Entra object id (the SignalR user id comes from the token's oid).
const agentsBox = document.getElementById("agents");
config.agents.forEach((a, i) => {
  agentsBox.append(
    el(
      "label",
      {
        style: "display:flex;gap:6px;align-items:center;font-weight:500;color:inherit;font-size:14px;margin-right:14px",
      },
      el("input", { type: "checkbox", value: a.oid, style: "width:auto", ...(i === 0 ? { checked: "" } : {}) }),
      `${a.name}`,
    ),
  );
});

function traceparent() {
  const hex = (n) =>
    Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `00-${hex(16)}-${hex(8)}-01`;
}

function cloudEvent(type, callId, data) {
  return {
    specversion: "1.0",
    id: uuid(),
    source: "/telephony/devstack-simulator",
    type,
    subject: callId,
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    traceparent: traceparent(),
    data,
  };
}

const logBox = document.getElementById("log");
function log(line) {
  logBox.textContent += `[${fmtTime(Date.now())}] ${line}\n`;
  logBox.scrollTop = logBox.scrollHeight;
}

async function post(events) {
  const batch = events.length > 1;
  const res = await fetch("/api/telephony/calls", {
    method: "POST",
    headers: { "content-type": batch ? "application/cloudevents-batch+json" : "application/cloudevents+json" },
    body: JSON.stringify(batch ? events : events[0]),
  });
  const text = await res.text();
  log(`${events.map((e) => e.type).join(", ")} → HTTP ${res.status} ${text.slice(0, 400)}`);
  let problem = null;
  if (!res.ok) {
    try {
      const p = JSON.parse(text);
      problem = [p.title || p.detail, ...(p.errors || []).map((e) => `${e.pointer}: ${e.message}`)]
        .filter(Boolean)
        .join(" · ");
    } catch {
      problem = text.slice(0, 200);
    }
  }
  return { status: res.status, problem };
}

document.getElementById("call-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const agents = [...agentsBox.querySelectorAll("input:checked")].map((i) => i.value);
  const status = document.getElementById("place-status");
  if (agents.length === 0) {
    status.textContent = "Pick at least one agent.";
    return;
  }
  const count = Math.max(1, Math.min(50, Number(document.getElementById("count").value) || 1));
  const context = Object.fromEntries(
    document
      .getElementById("context")
      .value.split("\n")
      .map((l) => l.trim())
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")).trim(), l.slice(l.indexOf("=") + 1).trim()]),
  );
  const events = [];
  for (let n = 0; n < count; n++) {
    const callId = "call-" + uuid().slice(0, 8);
    for (const agentId of agents) {
      events.push(
        cloudEvent("call.offered", callId, {
          callId,
          agentId,
          callerNumber: document.getElementById("callerNumber").value,
          callerName: document.getElementById("callerName").value,
          calledNumber: document.getElementById("calledNumber").value,
          queue: document.getElementById("queue").value,
          customerContext: context,
          ringSeconds: Number(document.getElementById("ringSeconds").value) || 30,
        }),
      );
    }
  }
  document.getElementById("place-btn").disabled = true;
  try {
    const { status: code, problem } = await post(events);
    for (const e of events) {
      if (code !== 202) break; // nothing was accepted: do not list calls that do not exist
      const c = calls.get(e.data.callId) || {
        callId: e.data.callId,
        agents: [],
        caller: e.data.callerName,
        placed: Date.now(),
        ingress: code,
        outcome: "",
      };
      c.agents.push(e.data.agentId);
      c.ingress = code;
      calls.set(c.callId, c);
    }
    status.textContent = code === 202 ? `Accepted: ${events.length} offer(s).` : `Ingress answered ${code}: ${problem}`;
    status.style.color = code === 202 ? "" : "var(--bad)";
  } catch (e) {
    status.textContent = "Ingress not reachable: " + e.message;
  } finally {
    document.getElementById("place-btn").disabled = false;
    renderCalls();
  }
});

async function endOrAnswer(callId, type) {
  const c = calls.get(callId);
  const data = type === "call.ended" ? { callId, reason: "caller-hung-up" } : { callId, agentId: c.agents[0] };
  await post([cloudEvent(type, callId, data)]);
}

async function showStatus(callId) {
  const res = await fetch(`/api/telephony/calls/${encodeURIComponent(callId)}`);
  log(`GET /api/calls/${callId} → HTTP ${res.status} ${(await res.text()).slice(0, 600)}`);
}

function renderCalls() {
  const body = document.getElementById("calls");
  if (calls.size === 0) return;
  body.replaceChildren(
    ...[...calls.values()]
      .reverse()
      .map((c) =>
        el(
          "tr",
          {},
          el("td", {}, fmtTime(c.placed)),
          el("td", { class: "mono" }, c.callId),
          el("td", {}, c.agents.map((a) => agentName[a] || a).join(", ")),
          el("td", {}, c.caller),
          el("td", {}, String(c.ingress)),
          el("td", {}, c.outcome ? pill(c.outcome) : el("span", { class: "muted" }, "waiting")),
          el(
            "td",
            { style: "white-space:nowrap" },
            el(
              "button",
              { class: "small", onclick: () => endOrAnswer(c.callId, "call.answered") },
              "Answered elsewhere",
            ),
            " ",
            el("button", { class: "small", onclick: () => endOrAnswer(c.callId, "call.ended") }, "End"),
            " ",
            el("button", { class: "small", onclick: () => showStatus(c.callId) }, "Status"),
          ),
        ),
      ),
  );
}

const outcomesBody = document.getElementById("outcomes");
const seen = new Set();
const outcomes = [];
function addOutcome(o) {
  const key = o._messageId || JSON.stringify(o);
  if (seen.has(key)) return;
  seen.add(key);
  outcomes.push(o);
  // Newest first by the time the outcome happened (messages may arrive slightly out of order).
  outcomes.sort((a, b) => String(b.at || b._receivedAt).localeCompare(String(a.at || a._receivedAt)));
  if (outcomes.length > 200) outcomes.length = 200;
  outcomesBody.replaceChildren(
    ...outcomes.map((x) =>
      el(
        "tr",
        {},
        el("td", {}, fmtTime(x.at || x._receivedAt)),
        el("td", {}, pill(x.outcome)),
        el("td", { class: "mono" }, x.callId || ""),
        el("td", {}, agentName[x.agentId] || x.agentId || ""),
        el("td", { class: "num" }, fmtMs(x.latencyMs)),
        el("td", { class: "muted" }, x.reason || ""),
      ),
    ),
  );
  const c = calls.get(o.callId);
  // A terminal outcome wins over Delivered, whatever order they arrive in.
  if (c && (!c.outcome || c.outcome === "Delivered" || o.outcome !== "Delivered")) {
    c.outcome = o.outcome;
    renderCalls();
  }
}

for (const o of await getJson("/api/telephony/outcomes")) addOutcome(o);
const stream = new EventSource("/api/telephony/outcomes/stream");
stream.addEventListener("outcome", (e) => addOutcome(JSON.parse(e.data)));
