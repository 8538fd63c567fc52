import { ConnectionState, RegistrationStatus } from "../core/connection-manager.js";

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

/** Connected, but the presence app has not confirmed the connection yet and the last try failed. */
export const NOT_REGISTERED_LABEL = "Connected, not yet registered for calls…";
const NOT_REGISTERED_DETAIL = "Calls cannot reach this window until the call service registers it; we keep trying";

/**
 * What the indicator shows for a connection state and the live connection's registration
 * (ConnectionManager#registration): the registration only matters while connected. A registration
 * that is failing and being retried keeps the state `connected` (the connection works) but shows
 * amber with a label that says calls cannot arrive yet; pending (first try) and refused show green.
 */
export function describeStatus(state, registration) {
  const reg = state === ConnectionState.CONNECTED && registration ? registration.status : undefined;
  if (reg === RegistrationStatus.RETRYING) {
    return { label: NOT_REGISTERED_LABEL, colour: "amber", registration: reg, detail: NOT_REGISTERED_DETAIL };
  }
  return { label: LABELS[state] || state, colour: COLOURS[state] || "gray", registration: reg, detail: undefined };
}

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
  const status = el(doc, "div", {
    class: "cif-adaptor__status",
    id: "cif-adaptor-status",
    role: "status",
    "aria-live": "polite",
    "aria-atomic": "true",
  });
  const dot = el(doc, "span", { class: "cif-adaptor__dot", "aria-hidden": "true" });
  const label = el(doc, "span", { class: "cif-adaptor__label" });
  status.append(dot, label);
  const signIn = el(doc, "button", { class: "cif-adaptor__signin", id: "cif-adaptor-signin", type: "button" });
  signIn.textContent = "Sign in";
  signIn.hidden = true;
  const notice = el(doc, "div", { class: "cif-adaptor__notice", id: "cif-adaptor-notice", "aria-live": "polite" });
  root.append(status, signIn, notice);

  let onSignIn = null;
  signIn.addEventListener("click", () => {
    if (onSignIn) onSignIn();
  });

  let current = { state: ConnectionState.DISCONNECTED, detail: undefined, registration: null };

  function render() {
    const view = describeStatus(current.state, current.registration);
    const detail = current.detail || view.detail;
    status.dataset.state = current.state;
    status.dataset.colour = view.colour;
    if (view.registration) status.dataset.registration = view.registration;
    else delete status.dataset.registration;
    label.textContent = view.label;
    status.setAttribute("aria-label", `Call notifications: ${view.label}${detail ? `. ${detail}` : ""}`);
    status.title = detail || view.label;
  }

  function setState(state, { detail } = {}) {
    current = { ...current, state, detail };
    render();
  }

  /** The live connection's registration (ConnectionManager#registration, or null). */
  function setRegistration(registration) {
    current = { ...current, registration };
    render();
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
    setRegistration,
    notice: showNotice,
    clearNotice() {
      notice.textContent = "";
      delete notice.dataset.level;
    },
    showSignIn(handler) {
      onSignIn = handler;
      signIn.hidden = false;
    },
    hideSignIn() {
      signIn.hidden = true;
    },
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
