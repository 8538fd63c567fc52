import { Availability } from "../core/names.js";
import { AVAILABILITY_LABELS, describeAgentState } from "../core/agent-state.js";
import { callerOf } from "../core/notification-desk.js";
import { templateParameters } from "./cif-popup.js";

/** Seconds left at which the countdown is announced (politely, once each). */
export const ANNOUNCE_AT_SECONDS = Object.freeze([10, 5]);

const CSS = `
.cif-panel{display:flex;flex-direction:column;gap:8px;min-width:0;max-width:100%}
.cif-panel *{box-sizing:border-box}
.cif-panel button,.cif-panel select{font:inherit;min-height:32px;max-width:100%}
.cif-panel button{padding:4px 10px;border:1px solid #8a8886;border-radius:3px;background:#fff;color:#201f1e;cursor:pointer}
.cif-panel button:focus-visible,.cif-panel select:focus-visible{outline:2px solid #0f6cbd;outline-offset:1px}
.cif-panel__bar{display:flex;flex-wrap:wrap;align-items:center;gap:6px}
.cif-panel__bar label{font-weight:600}
.cif-panel__badge{padding:2px 8px;border-radius:10px;background:#fde7e9;color:#a4262c;font-weight:600}
.cif-panel__badge[hidden],.cif-panel [hidden]{display:none}
.cif-panel__detail{color:#605e5c;overflow-wrap:anywhere}
.cif-call{border:2px solid #0f6cbd;border-radius:6px;padding:8px;background:#f3f9fd;display:flex;flex-direction:column;gap:6px;min-width:0}
.cif-call:focus-within{box-shadow:0 0 0 2px #c7e0f4}
.cif-call__title{font-size:15px;margin:0;overflow-wrap:anywhere}
.cif-call__details{margin:0;overflow-wrap:anywhere}
.cif-call__actions{display:flex;flex-wrap:wrap;gap:6px}
.cif-call__actions button{flex:1 1 100px}
.cif-panel button.cif-call__accept{background:#107c10;border-color:#107c10;color:#fff;font-weight:600}
.cif-panel button.cif-call__reject{background:#a4262c;border-color:#a4262c;color:#fff;font-weight:600}
.cif-call__reason{display:flex;flex-wrap:wrap;align-items:center;gap:6px}
.cif-call__reason select{flex:1 1 140px;min-width:0}
.cif-call__countdown{font-variant-numeric:tabular-nums;color:#323130}
.cif-list{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}
.cif-list li{border:1px solid #c8c6c4;border-radius:4px;padding:4px 6px;display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;min-width:0}
.cif-list__who{flex:1 1 140px;min-width:0;overflow-wrap:anywhere}
.cif-list__buttons{display:flex;flex-wrap:wrap;gap:4px}
.cif-panel h3{font-size:13px;margin:4px 0}
.cif-missed__empty{color:#605e5c;margin:0}
.cif-sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
`;

/**
 * The panel the agent sees inside the CIF panel iframe, under the connection indicator:
 * availability control ("On a call" apart), the call in front as a named alertdialog (Accept/Reject
 * first, reject reason, countdown announced at 10 s and 5 s), the calls waiting behind it (each can be
 * brought to the front, accepted or rejected), the missed-calls list, ring-tone and desktop-alert controls.
 * Works from 320 px wide (everything wraps; no fixed widths).
 */
export function createPanel({
  doc,
  root,
  desk,
  agentState,
  ringTone,
  desktopAlerts,
  rejectReasons,
  defaultRejectReason,
  onError = () => {},
  now = () => Date.now(),
  logger,
}) {
  if (!doc.getElementById("cif-panel-style")) {
    const style = doc.createElement("style");
    style.id = "cif-panel-style";
    style.textContent = CSS;
    (doc.head || doc.documentElement).appendChild(style);
  }
  const panel = el(doc, "div", { class: "cif-panel", id: "cif-panel" });

  // availability bar
  const bar = el(doc, "div", { class: "cif-panel__bar" });
  const availLabel = el(doc, "label", { for: "cif-availability" }, "Availability");
  const avail = el(doc, "select", { id: "cif-availability" });
  avail.append(el(doc, "option", { value: "", disabled: "" }, "Unknown"));
  for (const v of Object.values(Availability)) avail.append(el(doc, "option", { value: v }, AVAILABILITY_LABELS[v]));
  const onCall = el(doc, "span", { class: "cif-panel__badge", id: "cif-on-call", role: "status" });
  onCall.hidden = true;
  const ring = el(doc, "button", { type: "button", id: "cif-ring-toggle", "aria-pressed": "true" }, "Ring tone");
  const alerts = el(doc, "button", { type: "button", id: "cif-desktop-alerts" }, "Enable desktop alerts");
  alerts.hidden = true;
  bar.append(availLabel, avail, onCall, ring, alerts);
  const availDetail = el(doc, "div", { class: "cif-panel__detail", id: "cif-availability-detail" });

  // the call in front
  const card = el(doc, "section", {
    class: "cif-call",
    id: "cif-call",
    role: "alertdialog",
    "aria-modal": "false",
    "aria-labelledby": "cif-call-title",
    "aria-describedby": "cif-call-details",
  });
  card.hidden = true;
  const title = el(doc, "h2", { class: "cif-call__title", id: "cif-call-title" });
  const details = el(doc, "p", { class: "cif-call__details", id: "cif-call-details" });
  const actions = el(doc, "div", { class: "cif-call__actions" });
  const accept = el(doc, "button", { type: "button", class: "cif-call__accept", id: "cif-call-accept" }, "Accept");
  const reject = el(doc, "button", { type: "button", class: "cif-call__reject", id: "cif-call-reject" }, "Reject");
  actions.append(accept, reject);
  const reasonBox = el(doc, "div", { class: "cif-call__reason" });
  const reasonSelect = el(doc, "select", { id: "cif-call-reason" });
  for (const r of rejectReasons) reasonSelect.append(el(doc, "option", { value: r.code }, r.label));
  reasonSelect.value = defaultRejectReason;
  reasonBox.append(el(doc, "label", { for: "cif-call-reason" }, "Reject reason"), reasonSelect);
  const countdown = el(doc, "div", { class: "cif-call__countdown", id: "cif-call-countdown", "aria-hidden": "true" });
  const announce = el(doc, "div", {
    class: "cif-sr-only",
    id: "cif-call-announce",
    "aria-live": "polite",
    "aria-atomic": "true",
  });
  card.append(title, details, actions, reasonBox, countdown);

  // waiting calls
  const queue = el(doc, "section", { class: "cif-queue", id: "cif-queue", "aria-labelledby": "cif-queue-title" });
  queue.hidden = true;
  const queueTitle = el(doc, "h3", { id: "cif-queue-title" });
  const queueList = el(doc, "ul", { class: "cif-list", id: "cif-queue-list" });
  queue.append(queueTitle, queueList);

  // missed calls
  const missed = el(doc, "section", { class: "cif-missed", id: "cif-missed", "aria-labelledby": "cif-missed-title" });
  const missedTitle = el(doc, "h3", { id: "cif-missed-title" }, "Missed calls");
  const missedEmpty = el(doc, "p", { class: "cif-missed__empty" }, "No missed calls.");
  const missedList = el(doc, "ul", { class: "cif-list", id: "cif-missed-list" });
  missed.append(missedTitle, missedEmpty, missedList);

  panel.append(bar, availDetail, card, announce, queue, missed);
  root.append(panel);

  // --- behaviour
  let frontShown = null; // notification id whose card is drawn
  let announced = new Set();
  let focusBefore = null;
  let tick = null;

  avail.addEventListener("change", async () => {
    const value = avail.value;
    avail.disabled = true;
    try {
      await agentState.set(value);
    } catch (err) {
      if (logger) logger.warn("setAvailability failed", err);
      onError(err);
    } finally {
      avail.disabled = false;
      renderState();
    }
  });
  ring.addEventListener("click", () => ringTone.setEnabled(!ringTone.enabled));
  alerts.addEventListener("click", async () => {
    await desktopAlerts.request();
    renderAlerts();
  });
  accept.addEventListener("click", () => {
    if (frontShown) desk.accept(frontShown);
  });
  reject.addEventListener("click", () => {
    if (frontShown) desk.reject(frontShown, reasonSelect.value);
  });

  function renderState() {
    const s = agentState.current;
    const view = describeAgentState(s, agentState.stale);
    if (!avail.disabled) avail.value = s ? s.availability : "";
    avail.dataset.availability = s ? s.availability : "unknown";
    onCall.hidden = !view.onCall;
    onCall.textContent = view.onCallText || "";
    const since = s && s.since ? ` since ${timeOf(s.since)}` : "";
    availDetail.textContent =
      view.detail ||
      (s
        ? `${view.label}${since}`
        : !agentState.stale
          ? ""
          : agentState.failed
            ? "The call service did not report your availability; it is asked again after the next reconnect."
            : "Your availability is read from the call service once connected.");
  }

  function renderRing() {
    ring.setAttribute("aria-pressed", String(ringTone.enabled));
    ring.textContent = ringTone.enabled ? "Ring tone on" : "Ring tone off";
    ring.dataset.ringing = String(ringTone.ringing && ringTone.enabled);
  }

  function renderAlerts() {
    alerts.hidden = !desktopAlerts.needsPermission();
  }

  function renderCalls() {
    const calls = desk.ringingCalls();
    const front = calls[0] || null;
    ringTone.setRinging(calls.length > 0);
    desktopAlerts.keepOnly(new Set(calls.map((c) => c.notificationId)));
    // a hidden tab: one browser notification per ringing call (show() does nothing while visible or without permission)
    for (const c of calls) {
      const who = templateParameters(c.notification, 0).caller;
      desktopAlerts.show(
        c.notificationId,
        `Incoming call from ${who}`,
        c.notification.queue ? `Queue: ${c.notification.queue}` : "",
      );
    }
    if (front) {
      const n = front.notification;
      const p = templateParameters(n, front.expiresAt - now());
      if (frontShown !== front.notificationId) {
        const hadFocusInside = card.contains(doc.activeElement);
        if (!frontShown && !hadFocusInside) focusBefore = doc.activeElement;
        frontShown = front.notificationId;
        announced = new Set();
        card.dataset.notificationId = front.notificationId;
        title.textContent = `Incoming call from ${p.caller}`;
        details.textContent = [
          p.queue && `Queue: ${p.queue}`,
          p.customerContext,
          p.calledNumber && `Called: ${p.calledNumber}`,
        ]
          .filter(Boolean)
          .join(" · ");
        reasonSelect.value = defaultRejectReason;
        card.hidden = false;
        // the call card takes focus (an alertdialog): Accept is the first tab stop inside it
        try {
          accept.focus({ preventScroll: false });
        } catch {
          /* detached */
        }
      }
    } else if (frontShown) {
      const focusWasInside = card.contains(doc.activeElement);
      frontShown = null;
      card.hidden = true;
      delete card.dataset.notificationId;
      if (focusWasInside || doc.activeElement === doc.body) {
        const back = focusBefore && focusBefore.isConnected && focusBefore !== doc.body ? focusBefore : avail;
        try {
          back.focus();
        } catch {
          /* ignore */
        }
      }
      focusBefore = null;
    }
    const waiting = calls.slice(1);
    queue.hidden = waiting.length === 0;
    queueTitle.textContent = waiting.length === 1 ? "1 more call waiting" : `${waiting.length} more calls waiting`;
    queueList.replaceChildren(...waiting.map((c) => waitingItem(c)));
    renderCountdown();
    renderRing();
    if (calls.length && !tick) tick = setInterval(renderCountdown, 1000);
    if (!calls.length && tick) {
      clearInterval(tick);
      tick = null;
    }
  }

  function waitingItem(c) {
    const who = callerOf(c.notification);
    const q = c.notification.queue ? ` · ${c.notification.queue}` : "";
    const li = el(doc, "li", { "data-notification-id": c.notificationId });
    const text = el(doc, "span", { class: "cif-list__who" }, `${who}${q}`);
    const left = el(
      doc,
      "span",
      { class: "cif-list__left", "data-expires-at": String(c.expiresAt) },
      secondsText(c.expiresAt - now()),
    );
    const buttons = el(doc, "span", { class: "cif-list__buttons" });
    const show = el(
      doc,
      "button",
      { type: "button", class: "cif-queue__show", "aria-label": `Show the call from ${who}` },
      "Show",
    );
    const acc = el(
      doc,
      "button",
      { type: "button", class: "cif-queue__accept", "aria-label": `Accept the call from ${who}` },
      "Accept",
    );
    const rej = el(
      doc,
      "button",
      {
        type: "button",
        class: "cif-queue__reject",
        "aria-label": `Reject the call from ${who} (${labelOf(defaultRejectReason)})`,
      },
      "Reject",
    );
    show.addEventListener("click", () => desk.bringToFront(c.notificationId));
    acc.addEventListener("click", () => desk.accept(c.notificationId));
    rej.addEventListener("click", () => desk.reject(c.notificationId, defaultRejectReason));
    buttons.append(show, acc, rej);
    li.append(text, left, buttons);
    return li;
  }

  function labelOf(code) {
    const r = rejectReasons.find((x) => x.code === code);
    return r ? r.label : code;
  }

  function renderCountdown() {
    const calls = desk.ringingCalls();
    const front = calls[0];
    if (front && front.notificationId === frontShown) {
      const secs = Math.max(0, Math.ceil((front.expiresAt - now()) / 1000));
      countdown.textContent = `${secs} s left`;
      for (const at of ANNOUNCE_AT_SECONDS) {
        if (secs <= at && secs > 0 && !announced.has(at)) {
          // one polite line per threshold (not every tick): screen readers are not flooded
          ANNOUNCE_AT_SECONDS.filter((x) => x >= at).forEach((x) => announced.add(x));
          announce.textContent = `${secs} seconds left to answer the call from ${callerOf(front.notification)}.`;
        }
      }
    }
    for (const span of queueList.querySelectorAll(".cif-list__left"))
      span.textContent = secondsText(Number(span.dataset.expiresAt) - now());
  }

  function renderMissed() {
    const list = agentState.missed;
    missedTitle.textContent = list.length ? `Missed calls (${list.length})` : "Missed calls";
    missedEmpty.hidden = list.length > 0;
    missedList.replaceChildren(
      ...list.slice(0, 20).map((m) => {
        const li = el(doc, "li", { "data-notification-id": m.notificationId });
        li.append(
          el(doc, "span", { class: "cif-list__who" }, m.caller + (m.queue ? ` · ${m.queue}` : "")),
          el(doc, "time", { datetime: m.missedAt }, timeOf(m.missedAt)),
        );
        return li;
      }),
    );
  }

  const offs = [
    desk.onChange(renderCalls),
    agentState.onChange(() => {
      renderState();
      renderMissed();
    }),
    ringTone.onChange(renderRing),
  ];
  renderState();
  renderMissed();
  renderCalls();
  renderAlerts();

  return {
    element: panel,
    dispose() {
      offs.forEach((off) => off());
      clearInterval(tick);
      ringTone.dispose();
    },
  };
}

function secondsText(ms) {
  return `${Math.max(0, Math.ceil(ms / 1000))} s`;
}

function timeOf(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function el(doc, tag, attrs, text) {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
