import { correlationId } from "./cif-popup.js";
import { cifErrorName, parseCifValue } from "./cif.js";

/**
 * Screen pop on Accept: opens the caller's record in Dynamics through CIF 2.0.
 *   mode "search" (default, the seed's behaviour): searchAndOpenRecords(entity, query with the caller number,
 *     searchOnly=false) — Dynamics opens the single match, or its search page for none/several;
 *   mode "context": the record named in the event's customerContext (entity + id keys) — opened with
 *     searchAndOpenRecords on its primary key; falls back to "search" when the context names none;
 *   mode "off".
 * With a session template configured and CIF offering it (createSession, canCreateSession: Customer Service
 * workspace only), a session is started first so the record opens in it.
 */
export const SCREEN_POP_DEFAULTS = Object.freeze({
  mode: "search",
  entity: "contact",
  // {callerNumber} is replaced by the caller's number: quotes doubled (OData string literal), percent-encoded
  query:
    "?$select=fullname,telephone1,mobilephone&$filter=telephone1 eq '{callerNumber}' or mobilephone eq '{callerNumber}'",
  searchType: 1,
  contextEntityKey: "entityName",
  contextIdKey: "recordId",
  sessionTemplate: null,
});

export function normaliseScreenPop(raw) {
  const o = raw && typeof raw === "object" ? raw : {};
  const mode = ["search", "context", "off"].includes(o.mode) ? o.mode : SCREEN_POP_DEFAULTS.mode;
  const str = (v, d) => (typeof v === "string" && v.trim() ? v.trim() : d);
  return Object.freeze({
    mode,
    entity: str(o.entity, SCREEN_POP_DEFAULTS.entity),
    query: str(o.query, SCREEN_POP_DEFAULTS.query),
    searchType: o.searchType === 0 || o.searchType === 1 ? o.searchType : SCREEN_POP_DEFAULTS.searchType,
    contextEntityKey: str(o.contextEntityKey, SCREEN_POP_DEFAULTS.contextEntityKey),
    contextIdKey: str(o.contextIdKey, SCREEN_POP_DEFAULTS.contextIdKey),
    sessionTemplate: str(o.sessionTemplate, null),
  });
}

const ODATA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The CIF call the screen pop makes for a notification (pure; null = nothing to open). */
export function screenPopRequest(options, n) {
  if (options.mode === "off") return null;
  if (options.mode === "context") {
    const ctx = n.customerContext && typeof n.customerContext === "object" ? n.customerContext : {};
    const entity = String(ctx[options.contextEntityKey] || "")
      .trim()
      .toLowerCase();
    const id = String(ctx[options.contextIdKey] || "")
      .trim()
      .replace(/^\{|\}$/g, "");
    if (ODATA_NAME.test(entity) && GUID.test(id)) {
      return { entity, query: `?$filter=${entity}id eq '${id}'`, kind: "context" };
    }
  }
  const number = String(n.callerNumber || "").trim();
  if (!number) return null;
  // OData string literal (quotes doubled), percent-encoded: a raw "+" of an E.164 number would reach the Web API as a space
  const literal = encodeURIComponent(number.replace(/'/g, "''"));
  return { entity: options.entity, query: options.query.replace(/\{callerNumber\}/g, literal), kind: "search" };
}

export function createScreenPop({ cif, options, logger = console, notice = () => {} }) {
  const opts = normaliseScreenPop(options);
  return {
    options: opts,
    /** Runs after an Accept the server recorded; never throws (a failed pop must not disturb the call). */
    async open(n) {
      const req = screenPopRequest(opts, n);
      if (!req) return { opened: false, reason: opts.mode === "off" ? "off" : "no-caller-number" };
      let api;
      try {
        api = await cif.ready();
      } catch (err) {
        logger.warn("screen pop: CIF not available", err && err.message);
        return { opened: false, reason: "no-cif" };
      }
      const corr = correlationId(n);
      let sessionId = null;
      try {
        if (opts.sessionTemplate && typeof api.createSession === "function") {
          const can = typeof api.canCreateSession === "function" ? await api.canCreateSession(corr) : true;
          if (can === true || can === "true") {
            sessionId = await api.createSession(
              { templateName: opts.sessionTemplate, templateParameters: sessionParameters(n) },
              corr,
            );
          } else {
            logger.info("screen pop: CIF cannot create another session now; opening the record without one");
          }
        }
      } catch (err) {
        logger.warn(`screen pop: createSession(${opts.sessionTemplate}) failed: ${cifErrorName(err)}`);
      }
      try {
        const raw = await api.searchAndOpenRecords(req.entity, req.query, false, corr, opts.searchType);
        const found = parseCifValue(raw);
        const count = found && typeof found === "object" ? Object.keys(found).length : 0;
        logger.info(`screen pop: ${req.entity} ${req.kind} → ${count} record(s)`);
        return { opened: true, count, sessionId, request: req };
      } catch (err) {
        logger.warn(`screen pop: searchAndOpenRecords failed: ${cifErrorName(err)}`);
        notice(
          "warning",
          `The customer record for ${n.callerName || n.callerNumber || "this call"} could not be opened.`,
        );
        return { opened: false, reason: "search-failed", sessionId };
      }
    },
  };
}

function sessionParameters(n) {
  return {
    caller: n.callerName || n.callerNumber || "Caller",
    callerName: n.callerName || "",
    callerNumber: n.callerNumber || "",
    queue: n.queue || "",
    callId: n.callId || "",
    notificationId: n.notificationId,
  };
}
