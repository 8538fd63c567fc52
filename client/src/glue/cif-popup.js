import { PopupAction } from "../core/notification-desk.js";
import { cifErrorName, parseCifValue } from "./cif.js";
import { findXrm } from "./xrm.js";

/** CIF reasons for a Reject that the agent did not choose: the call was not shown, so it stays answerable in the panel. */
const NOT_SHOWN = new Set(["notificationqueuelimitexceeded", "notificationqueuetimelimitexceeded"]);
/** Below this much ring time left, a CIF timeout is the ring window's own end, not the template's. */
const EARLY_TIMEOUT_SLACK_MS = 1500;

/**
 * Shows call notifications through the Channel Integration Framework 2.0 API:
 * Microsoft.CIFramework.notifyEvent(input, correlationId, cancellationToken) with a notification template,
 * closed again with Microsoft.CIFramework.cancelEvent(cancellationToken). Waits for CIFInitDone (see cif.js).
 *
 * When CIF cannot carry the call (template missing → NotificationTemplateNotFoundError, any other CIF error,
 * queue limits, or the template's msdyn_timeout ending before the ring window), the call is NOT declined: the
 * panel shows it itself (panel-call-card.js) with a message saying why, answerable until the ring window ends.
 */
export function createCifPopup({ win, cif, templateName, cards, logger = console, templateTimeouts }) {
  const lookup = templateTimeouts || createTemplateTimeouts({ win, logger });
  const cifOpen = new Set(); // tokens whose CIF notification is still up
  const inPanel = new Map(); // token → card handle
  let warnedShort = false;

  function remainingOf(notification) {
    return Date.parse(notification.expiresAt) - Date.now();
  }

  /**
   * The call could not be carried by CIF. With the agent panel (panel.js) the desk keeps it ringing in the panel's
   * call card, so: errors reject (the desk says so), early timeouts / queue limits pass through (`answer`). Without
   * the panel (custom pages), our own card shows it.
   */
  function fallback(notification, token, message, answer) {
    const remainingMs = remainingOf(notification);
    const c = typeof cards === "function" ? cards() : cards;
    if (!c) {
      if (answer) return answer;
      return Promise.reject(new Error(message));
    }
    if (remainingMs <= 0) {
      // no DOM to draw on (or nothing left to answer): the ring window decides
      return new Promise(() => {});
    }
    logger.warn(`call ${notification.notificationId} shown in the panel: ${message}`);
    return new Promise((resolve) => {
      const card = c.show({
        caller: callerText(notification),
        details: [notification.queue, notification.callerNumber],
        message,
        remainingMs,
        onAction: (action) => {
          inPanel.delete(token);
          resolve(
            action === "accept"
              ? { action: PopupAction.ACCEPT, reason: "Accept" }
              : { action: PopupAction.REJECT, reason: "DeclinedByAgent" },
          );
        },
      });
      inPanel.set(token, card);
    });
  }

  return {
    async show(notification, { remainingMs, cancellationToken }) {
      let api;
      try {
        api = await cif.ready();
      } catch (err) {
        logger.error("CIF is not available", err && err.message);
        return fallback(
          notification,
          cancellationToken,
          "Dynamics' call notifications are not available in this window, so the call is shown here.",
        );
      }
      const templateS = await lookup.timeoutSeconds(templateName);
      // The agent sees the shorter of the ring window and the template's timeout: that is when the notification goes.
      let countdownMs = remainingMs;
      if (templateS !== undefined && templateS * 1000 < remainingMs) {
        countdownMs = templateS * 1000;
        if (!warnedShort) {
          warnedShort = true;
          logger.warn(
            `notification template ${templateName} has msdyn_timeout ${templateS} s, shorter than the ring window ` +
              `(${Math.ceil(remainingMs / 1000)} s): set msdyn_timeout ≥ the longest ring window (client/README.md)`,
          );
        }
      }
      const input = {
        templateName,
        templateParameters: templateParameters(notification, countdownMs),
        cancellationToken,
      };
      let raw;
      cifOpen.add(cancellationToken);
      try {
        raw = await api.notifyEvent(input, correlationId(notification), cancellationToken);
      } catch (err) {
        cifOpen.delete(cancellationToken);
        const name = cifErrorName(err);
        logger.error(`notifyEvent failed: ${name}`);
        const message = /NotificationTemplateNotFound/i.test(name)
          ? `Dynamics has no notification template "${templateName}", so the call is shown here. Ask your administrator to add it.`
          : `Dynamics could not show the call notification (${name || "error"}), so the call is shown here.`;
        return fallback(notification, cancellationToken, message);
      }
      cifOpen.delete(cancellationToken);
      const answer = parseAnswer(raw);
      const reason = String(answer.reason || "").toLowerCase();
      if (answer.action === PopupAction.REJECT && NOT_SHOWN.has(reason)) {
        return fallback(
          notification,
          cancellationToken,
          "Dynamics had too many notifications open to show this call, so it is shown here.",
          answer,
        );
      }
      if (answer.action === PopupAction.TIMEOUT && remainingOf(notification) > EARLY_TIMEOUT_SLACK_MS) {
        return fallback(
          notification,
          cancellationToken,
          "The Dynamics notification closed before the call stopped ringing (its template timeout is shorter than the ring window). You can still answer here.",
          answer,
        );
      }
      return answer;
    },
    async cancel(cancellationToken) {
      const card = inPanel.get(cancellationToken);
      if (card) {
        inPanel.delete(cancellationToken);
        card.close();
      }
      if (!cifOpen.has(cancellationToken)) return;
      cifOpen.delete(cancellationToken);
      const api = cif.now();
      if (!api || typeof api.cancelEvent !== "function") {
        logger.warn("Microsoft.CIFramework.cancelEvent is not available: the notification stays until it times out");
        return;
      }
      await api.cancelEvent(cancellationToken);
    },
  };
}

/**
 * The notification template's msdyn_timeout (seconds, 0–500, default 120 when unset), read once per template
 * through Xrm.WebApi from the table msdyn_notificationtemplate. Undefined when Xrm or the row is not
 * readable (then only the host knows, and an early Timeout is still handled).
 */
export function createTemplateTimeouts({ win, logger = console, waitMs = 3000 }) {
  const cache = new Map();
  return {
    timeoutSeconds(name) {
      if (!cache.has(name)) {
        cache.set(
          name,
          (async () => {
            const xrm = findXrm(win);
            if (!xrm) return undefined;
            const q = `?$select=msdyn_name,msdyn_timeout&$filter=msdyn_name eq '${String(name).replace(/'/g, "''")}'`;
            const result = await Promise.race([
              xrm.WebApi.retrieveMultipleRecords("msdyn_notificationtemplate", q),
              new Promise((r) => setTimeout(() => r(null), waitMs)),
            ]);
            const row = result && result.entities && result.entities[0];
            if (!row) return undefined;
            const n = Number(row.msdyn_timeout);
            return Number.isFinite(n) ? Math.min(500, Math.max(0, n)) : 120;
          })().catch((err) => {
            logger.warn("reading the notification template failed", err && err.message);
            return undefined;
          }),
        );
      }
      return cache.get(name);
    },
  };
}

function callerText(n) {
  return n.callerName && n.callerNumber
    ? `${n.callerName} (${n.callerNumber})`
    : n.callerName || n.callerNumber || "Unknown caller";
}

/** What the notification template can show: {caller}, {queue}, {customerContext}, {countdown}, … */
export function templateParameters(n, remainingMs) {
  const context = n.customerContext && typeof n.customerContext === "object" ? n.customerContext : {};
  return {
    caller: callerText(n),
    callerName: n.callerName || "",
    callerNumber: n.callerNumber || "",
    calledNumber: n.calledNumber || "",
    queue: n.queue || "",
    customerContext: Object.entries(context)
      .map(([k, v]) => `${k}: ${v}`)
      .join(", "),
    // a fixed number: CIF fills {countdown} once, it does not tick
    countdown: Math.max(0, Math.ceil(remainingMs / 1000)),
    expiresAt: n.expiresAt,
    notificationId: n.notificationId,
    callId: n.callId || "",
  };
}

/**
 * A notifyEvent answer in any shape CIF has used: the JSON string {"actionName","responseReason"} that
 * Microsoft's library resolves with (both Microsoft samples JSON.parse it), the documented object
 * {value: {actionName, responseReason}}, or {value: "<json>"}.
 */
export function parseAnswer(raw) {
  const v = parseCifValue(raw);
  // a bare non-JSON string ("Accept") comes back as {message}
  const name = String((v && (v.actionName || (typeof raw === "string" ? v.message : ""))) || "").toLowerCase();
  const action =
    name === "accept"
      ? PopupAction.ACCEPT
      : name === "reject"
        ? PopupAction.REJECT
        : name === "cancel"
          ? PopupAction.DISMISSED
          : PopupAction.TIMEOUT;
  return { action, reason: (v && v.responseReason) || null };
}

/** CIF wants a GUID: reuse the W3C trace id when the server sent one, so telemetry lines up. */
export function correlationId(n) {
  const m = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(String(n.traceparent || ""));
  if (m) {
    const h = m[1];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return globalThis.crypto && typeof globalThis.crypto.randomUUID === "function"
    ? globalThis.crypto.randomUUID()
    : undefined;
}
