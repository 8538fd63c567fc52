/**
 * Finds the Dynamics client API (Xrm). A CIF panel is an HTML web resource inside the channel-provider iframe,
 * so Xrm lives on the Dynamics window: window.top (as Microsoft's samples use it), else a parent, else this
 * window. A cross-origin ancestor throws on access; that is "not there", never an error.
 */
export function findXrm(win, { needWebApi = true } = {}) {
  const candidates = [];
  const add = (get) => {
    try {
      const w = get();
      if (w && !candidates.includes(w)) candidates.push(w);
    } catch {
      /* cross-origin */
    }
  };
  add(() => win.top);
  add(() => win.parent);
  add(() => win);
  for (const w of candidates) {
    try {
      const xrm = w.Xrm;
      if (xrm && (!needWebApi || (xrm.WebApi && typeof xrm.WebApi.retrieveMultipleRecords === "function"))) return xrm;
    } catch {
      /* cross-origin window */
    }
  }
  return undefined;
}
