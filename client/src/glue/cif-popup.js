import { PopupAction } from "../core/notification-desk.js";

/**
 * Shows call notifications through the Channel Integration Framework 2.0 API:
 * Microsoft.CIFramework.notifyEvent(input, correlationId, cancellationToken) with a notification
 * template, closed again with Microsoft.CIFramework.cancelEvent(cancellationToken).
 */
export function createCifPopup({ win, templateName, logger = console, waitForCifMs = 15000 }) {
  async function cif() {
    const deadline = Date.now() + waitForCifMs;
    for (;;) {
      const api = win.Microsoft && win.Microsoft.CIFramework;
      if (api && typeof api.notifyEvent === "function") return api;
      if (Date.now() > deadline) throw new Error("Microsoft.CIFramework is not loaded in this page (is the CIF library script included?)");
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    async show(notification, { remainingMs, cancellationToken }) {
      const api = await cif();
      const input = {
        templateName,
        templateParameters: templateParameters(notification, remainingMs),
        cancellationToken,
      };
      const raw = await api.notifyEvent(input, correlationId(notification), cancellationToken);
      return parseAnswer(raw);
    },
    async cancel(cancellationToken) {
      const api = win.Microsoft && win.Microsoft.CIFramework;
      if (!api || typeof api.cancelEvent !== "function") {
        logger.warn("Microsoft.CIFramework.cancelEvent is not available: the notification stays until it times out");
        return;
      }
      await api.cancelEvent(cancellationToken);
    },
  };
}

/** What the notification template can show: {caller}, {queue}, {customerContext}, {countdown}, … */
export function templateParameters(n, remainingMs) {
  const context = n.customerContext && typeof n.customerContext === "object" ? n.customerContext : {};
  const caller = n.callerName && n.callerNumber ? `${n.callerName} (${n.callerNumber})` : n.callerName || n.callerNumber || "Unknown caller";
  return {
    caller,
    callerName: n.callerName || "",
    callerNumber: n.callerNumber || "",
    calledNumber: n.calledNumber || "",
    queue: n.queue || "",
    customerContext: Object.entries(context).map(([k, v]) => `${k}: ${v}`).join(", "),
    countdown: Math.max(0, Math.ceil(remainingMs / 1000)),
    expiresAt: n.expiresAt,
    notificationId: n.notificationId,
    callId: n.callId || "",
  };
}

/** CIF resolves with {value: {actionName, responseReason}} (older hosts: the same as a JSON string). */
export function parseAnswer(raw) {
  let v = raw;
  if (typeof v === "string") {
    try { v = JSON.parse(v); } catch { v = { actionName: v }; }
  }
  if (v && typeof v === "object" && v.value !== undefined) v = typeof v.value === "string" ? safeParse(v.value) : v.value;
  const name = String((v && v.actionName) || "").toLowerCase();
  const action = name === "accept" ? PopupAction.ACCEPT : name === "reject" ? PopupAction.REJECT
    : name === "cancel" ? PopupAction.DISMISSED : PopupAction.TIMEOUT;
  return { action, reason: (v && v.responseReason) || null };
}

function safeParse(s) { try { return JSON.parse(s); } catch { return { actionName: s }; } }

/** CIF wants a GUID: reuse the W3C trace id when the server sent one, so telemetry lines up. */
export function correlationId(n) {
  const m = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(String(n.traceparent || ""));
  if (m) {
    const h = m[1];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return globalThis.crypto && typeof globalThis.crypto.randomUUID === "function" ? globalThis.crypto.randomUUID() : undefined;
}
