/**
 * Access to Microsoft.CIFramework that honours CIF 2.0's rule: call nothing before the library raised
 * `CIFInitDone` on this window. The listener is attached as early as possible (this module is evaluated when
 * the panel script loads, and panel.js sets window.__cifpipeCifInitDone even earlier), so a fast library
 * cannot raise the event unseen. A page that loads the library long before our script may have raised it
 * already: after `waitForInitMs` without the event, a present library is used anyway (logged).
 */
const INIT_FLAG = "__cifpipeCifInitDone";

export function watchCifInit(win) {
  if (!win || typeof win.addEventListener !== "function") return;
  if (win.__cifpipeCifInitWatch) return;
  win.__cifpipeCifInitWatch = true;
  win.addEventListener(
    "CIFInitDone",
    () => {
      win[INIT_FLAG] = true;
    },
    { once: true },
  );
}

export function createCif({ win, logger = console, waitForInitMs = 15000, pollMs = 100 } = {}) {
  watchCifInit(win);
  let readyPromise = null;

  function library() {
    const api = win && win.Microsoft && win.Microsoft.CIFramework;
    return api && typeof api.notifyEvent === "function" ? api : null;
  }

  /** Resolves with Microsoft.CIFramework once CIFInitDone was raised; rejects when there is no CIF library at all. */
  function ready() {
    if (!readyPromise) {
      readyPromise = new Promise((resolve, reject) => {
        const deadline = Date.now() + waitForInitMs;
        const check = () => {
          const api = library();
          if (api && win[INIT_FLAG]) return resolve(api);
          if (Date.now() >= deadline) {
            if (api) {
              logger.warn(
                "CIFInitDone was not seen; using Microsoft.CIFramework anyway (was the library loaded before the panel script?)",
              );
              win[INIT_FLAG] = true;
              return resolve(api);
            }
            readyPromise = null; // a later call may find a late library
            return reject(
              new Error(
                "Microsoft.CIFramework is not loaded in this page (is msdyn_ciLibrary.js included with data-crmurl?)",
              ),
            );
          }
          setTimeout(check, pollMs);
        };
        check();
      });
    }
    return readyPromise;
  }

  return {
    ready,
    /** The library if it is initialised now, else null (for optional calls that must not wait). */
    now() {
      const api = library();
      return api && win[INIT_FLAG] ? api : null;
    },
    /** True when the initialised library has `name` (CIF versions differ: presence and session APIs are 2.0 only). */
    async has(name) {
      try {
        const api = await ready();
        return typeof api[name] === "function";
      } catch {
        return false;
      }
    },
  };
}

/** CIF answers and errors arrive as JSON strings (Microsoft's library) or objects (older docs, stand-ins). */
export function parseCifValue(raw) {
  let v = raw;
  for (let i = 0; i < 3 && typeof v === "string"; i++) {
    try {
      v = JSON.parse(v);
    } catch {
      return { message: v };
    }
  }
  if (v && typeof v === "object" && v.value !== undefined && typeof v.value !== "function") {
    const inner = parseCifValue(v.value);
    return inner && typeof inner === "object" ? inner : { value: inner };
  }
  return v;
}

/** The CIF error name (e.g. NotificationTemplateNotFoundError) of a rejection, whatever its shape. */
export function cifErrorName(err) {
  if (err instanceof Error) {
    const fromMessage = parseCifValue(err.message);
    return String((fromMessage && fromMessage.message) || err.message || "");
  }
  const v = parseCifValue(err);
  return String((v && (v.message || v.errorCode || v.name)) || "");
}
