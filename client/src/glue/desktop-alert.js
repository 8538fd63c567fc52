const noopLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Browser notifications (the Notification API) for a call that rings while the tab is hidden. Permission
 * is only ever asked from a click (requestPermission()), as browsers require; nothing is asked on load.
 * Inside Dynamics the panel is a web resource of the org's own origin, so the API is available there.
 */
export function createDesktopAlerts({ win, logger = noopLogger, enabled = true }) {
  const N = win.Notification;
  const supported = enabled && typeof N === "function";
  const open = new Map();
  return {
    get supported() {
      return supported;
    },
    get permission() {
      return supported ? N.permission : "unsupported";
    },
    /** True when a button should offer to enable them. */
    needsPermission() {
      return supported && N.permission === "default";
    },
    /** Call from a click handler only. Resolves the permission. */
    async request() {
      if (!supported) return "unsupported";
      try {
        const p = N.requestPermission();
        return p && typeof p.then === "function" ? await p : N.permission;
      } catch (err) {
        logger.warn("asking for notification permission failed", err);
        return N.permission;
      }
    },
    /** Shows a notification for a ringing call when the page is hidden; returns whether it did. */
    show(id, title, body) {
      if (!supported || N.permission !== "granted" || !win.document || !win.document.hidden || open.has(id))
        return false;
      try {
        const n = new N(title, { body, tag: `cifpipe-${id}`, requireInteraction: true });
        n.onclick = () => {
          try {
            win.focus();
          } catch {
            /* ignore */
          }
          n.close();
        };
        n.onclose = () => open.delete(id);
        open.set(id, n);
        return true;
      } catch (err) {
        // e.g. Chrome on Android only allows ServiceWorkerRegistration.showNotification
        logger.warn("showing a desktop notification failed", err);
        return false;
      }
    },
    close(id) {
      const n = open.get(id);
      if (!n) return;
      open.delete(id);
      try {
        n.close();
      } catch {
        /* ignore */
      }
    },
    /** Closes the ones whose call is no longer ringing. */
    keepOnly(ids) {
      for (const id of [...open.keys()]) if (!ids.has(id)) this.close(id);
    },
  };
}
