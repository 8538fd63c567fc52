import { ConnectionState } from "../core/connection-manager.js";

const LABELS = {
  [ConnectionState.DISCONNECTED]: "Not connected",
  [ConnectionState.CONNECTING]: "Connecting…",
  [ConnectionState.CONNECTED]: "Connected: ready for calls",
  [ConnectionState.RECONNECTING]: "Reconnecting…",
};
const COLOURS = {
  [ConnectionState.DISCONNECTED]: "gray",
  [ConnectionState.CONNECTING]: "amber",
  [ConnectionState.CONNECTED]: "green",
  [ConnectionState.RECONNECTING]: "amber",
};

const CSS = `
.cif-adaptor{font:13px/1.4 "Segoe UI",system-ui,sans-serif;color:#201f1e;display:flex;flex-direction:column;gap:6px;padding:6px 8px}
.cif-adaptor__status{display:inline-flex;align-items:center;gap:6px}
.cif-adaptor__dot{width:12px;height:12px;border-radius:50%;background:#8a8886;box-shadow:0 0 0 1px rgba(0,0,0,.25) inset;flex:none}
.cif-adaptor__status[data-colour=green] .cif-adaptor__dot{background:#107c10}
.cif-adaptor__status[data-colour=amber] .cif-adaptor__dot{background:#f2a900}
.cif-adaptor__signin{align-self:flex-start;font:inherit;padding:3px 12px;border:1px solid #0f6cbd;border-radius:3px;background:#0f6cbd;color:#fff;cursor:pointer}
.cif-adaptor__signin[hidden]{display:none}
.cif-adaptor__notice{min-height:1em}
.cif-adaptor__notice[data-level=error]{color:#a4262c}
.cif-adaptor__notice[data-level=warning]{color:#8a5300}
`;

/**
 * The agent-facing strip: a coloured dot with a text label (gray = not connected, amber = connecting
 * or reconnecting, green = connected) in a role=status live region, a Sign in button when needed,
 * and one line of plain-words news. Colour is never the only signal: the label says the same.
 */
export function createIndicator({ doc, target }) {
  const root = resolveTarget(doc, target);
  if (!doc.getElementById("cif-adaptor-style")) {
    const style = doc.createElement("style");
    style.id = "cif-adaptor-style";
    style.textContent = CSS;
    (doc.head || doc.documentElement).appendChild(style);
  }
  root.classList.add("cif-adaptor");
  root.innerHTML = "";
  const status = el(doc, "div", { class: "cif-adaptor__status", id: "cif-adaptor-status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const dot = el(doc, "span", { class: "cif-adaptor__dot", "aria-hidden": "true" });
  const label = el(doc, "span", { class: "cif-adaptor__label" });
  status.append(dot, label);
  const signIn = el(doc, "button", { class: "cif-adaptor__signin", id: "cif-adaptor-signin", type: "button" });
  signIn.textContent = "Sign in";
  signIn.hidden = true;
  const notice = el(doc, "div", { class: "cif-adaptor__notice", id: "cif-adaptor-notice", "aria-live": "polite" });
  root.append(status, signIn, notice);

  let onSignIn = null;
  signIn.addEventListener("click", () => { if (onSignIn) onSignIn(); });

  function setState(state, { detail } = {}) {
    status.dataset.state = state;
    status.dataset.colour = COLOURS[state] || "gray";
    const text = LABELS[state] || state;
    label.textContent = text;
    status.setAttribute("aria-label", `Call notifications: ${text}${detail ? `. ${detail}` : ""}`);
    status.title = detail || text;
  }

  function showNotice(level, text) {
    notice.dataset.level = level;
    notice.setAttribute("role", level === "error" ? "alert" : "status");
    notice.textContent = text;
  }

  setState(ConnectionState.DISCONNECTED);
  return {
    element: root,
    setState,
    notice: showNotice,
    clearNotice() { notice.textContent = ""; delete notice.dataset.level; },
    showSignIn(handler) { onSignIn = handler; signIn.hidden = false; },
    hideSignIn() { signIn.hidden = true; },
  };
}

function resolveTarget(doc, target) {
  if (target && typeof target === "object" && target.nodeType === 1) return target;
  if (typeof target === "string") {
    const found = doc.querySelector(target);
    if (found) return found;
  }
  const existing = doc.getElementById("cif-adaptor");
  if (existing) return existing;
  const div = doc.createElement("div");
  div.id = "cif-adaptor";
  (doc.body || doc.documentElement).prepend(div);
  return div;
}

function el(doc, tag, attrs) {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}
