/**
 * W3C trace context of the notifications this window was shown (the `notify` payload's `traceparent`), handed back
 * with `decide` so the server's decide span joins the call's trace (docs/telemetry.md). Bounded: popups are few,
 * and an entry is dropped once its decision is sent.
 */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const MAX_ENTRIES = 200;

export class TraceContexts {
  constructor() {
    this._byId = new Map();
  }

  /** Remembers a notification's traceparent (ignores anything that is not one). */
  remember(notification) {
    if (!notification || typeof notification.notificationId !== "string") return;
    const tp = notification.traceparent;
    if (typeof tp !== "string" || !TRACEPARENT.test(tp)) return;
    if (this._byId.size >= MAX_ENTRIES) this._byId.delete(this._byId.keys().next().value);
    this._byId.set(notification.notificationId, tp);
  }

  /** The traceparent to send with this notification's decision (undefined when unknown); forgets it. */
  take(notificationId) {
    const tp = this._byId.get(notificationId);
    this._byId.delete(notificationId);
    return tp;
  }
}
