// Shared helpers for the devstack pages: navigation bar, health dots, JSON fetch, formatting.
export async function getJson(url, options) {
  const res = await fetch(url, options);
  const type = res.headers.get("content-type") || "";
  const body = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    const detail = typeof body === "object" ? body.detail || body.title || JSON.stringify(body) : body;
    const err = new Error(`${res.status} ${detail}`);
    err.status = res.status;
    err.body = body;
    throw err;
  }
  return body;
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function renderNav(active) {
  const header = el(
    "header",
    { class: "top" },
    el("div", { class: "brand" }, "cifpipe", el("small", {}, "local stack")),
    el(
      "nav",
      {},
      ...[
        ["agent", "Agent panel"],
        ["telephony", "Telephony simulator"],
        ["ops", "Ops dashboard"],
      ].map(([id, label]) => el("a", { href: `/${id}.html`, class: id === active ? "active" : "" }, label)),
    ),
    el("div", { class: "health", id: "health" }, "checking…"),
  );
  document.body.prepend(header);
  refreshHealth();
  setInterval(refreshHealth, 10000);
}

const SHORT = {
  "Entra (mock-oauth2-server)": "Entra",
  "Azurite tables": "Tables",
  "Service Bus emulator": "Service Bus",
  "SignalR emulator": "SignalR",
  "Functions host (3 apps)": "Functions",
  "Pages + state API": "Pages",
};

async function refreshHealth() {
  const host = document.getElementById("health");
  try {
    const h = await getJson("/api/health");
    host.replaceChildren(
      ...Object.entries(h.parts).map(([name, ok]) =>
        el(
          "span",
          { title: `${name}: ${ok ? "answering" : "not answering"}` },
          el("span", { class: `dot ${ok ? "ok" : "bad"}` }),
          SHORT[name] || name,
        ),
      ),
    );
  } catch (e) {
    host.replaceChildren(el("span", {}, el("span", { class: "dot bad" }), "devstack not answering"));
  }
}

export function fmtTime(v) {
  if (!v) return "";
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

export function pill(state) {
  return el("span", { class: `pill ${state || ""}` }, state || "—");
}

export function uuid() {
  return crypto.randomUUID
    ? crypto.randomUUID()
    : "id-" + Math.random().toString(16).slice(2) + Date.now().toString(16);
}

/** 850 ms, 4.9 s, 3 min 12 s: durations people can read at a glance. */
export function fmtMs(ms) {
  if (ms === null || ms === undefined || ms === "" || !Number.isFinite(Number(ms))) return "";
  const v = Number(ms);
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(1)} s`;
  const m = Math.floor(v / 60_000);
  return `${m} min ${Math.round((v - m * 60_000) / 1000)} s`;
}
