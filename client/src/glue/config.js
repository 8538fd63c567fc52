import { AdaptorError, ErrorKind } from "../core/errors.js";
import { findXrm } from "./xrm.js";

/** The Dynamics environment variables the sample solution defines (schema names may carry a publisher prefix). */
export const ENVIRONMENT_VARIABLES = Object.freeze({
  clientId: "ClientId",
  functionUrl: "AdaptorFunctionUrl",
  authority: "Authority",
  scopes: "Scope",
});

export const DEFAULTS = Object.freeze({
  notificationTemplate: "cifpipe_incoming_call",
  interactionType: "popup",
  cacheLocation: "localStorage",
  reconnect: Object.freeze({ initialMs: 1000, maxMs: 30000 }),
  /** Reasons the agent can choose when rejecting; the code travels in `decide` and in the Rejected outcome. */
  rejectReasons: Object.freeze([
    Object.freeze({ code: "busy-with-customer", label: "Busy with another customer" }),
    Object.freeze({ code: "wrong-skill", label: "Wrong queue or skill" }),
    Object.freeze({ code: "break", label: "On a break" }),
    Object.freeze({ code: "other", label: "Other" }),
  ]),
  /** Used when the agent rejects from the CIF notification (which offers no reason list). */
  defaultRejectReason: "other",
  ringTone: true,
  desktopNotifications: true,
  maxRingingCalls: 10,
});

/**
 * Validates and completes raw settings. Accepts the seed's names (functionUrl, clientId, authority,
 * scopes, redirectUri) plus optional extras; `scopes` may be an array, a space/comma separated string,
 * or a bare scope name as the sample's `Scope` variable holds it (→ api://{clientId}/{name}).
 */
export function normaliseConfig(raw, { pageUrl } = {}) {
  if (!raw || typeof raw !== "object") {
    throw configError("no adaptor configuration found (window.cifAdaptorConfig or Dynamics environment variables)");
  }
  const missing = ["functionUrl", "clientId", "authority"].filter((k) => !nonEmpty(raw[k]));
  if (missing.length) throw configError(`missing setting(s): ${missing.join(", ")}`);

  const functionUrl = parseUrl(raw.functionUrl, "functionUrl").toString().replace(/\/+$/, "");
  const authority = parseUrl(raw.authority, "authority").toString().replace(/\/+$/, "");
  const clientId = String(raw.clientId).trim();
  const scopes = normaliseScopes(raw.scopes, clientId);
  if (!scopes.length) throw configError("missing setting: scopes (the API scope the presence app expects)");
  // Default: the relay page next to the panel (web resource cifpipe_/redirect.html), the URI the README registers.
  const redirectUri = nonEmpty(raw.redirectUri)
    ? parseUrl(raw.redirectUri, "redirectUri").toString()
    : pageUrl
      ? new URL("redirect.html", pageUrl).toString()
      : undefined;

  const interactionType = raw.interactionType === "redirect" ? "redirect" : DEFAULTS.interactionType;
  const reconnect = { ...DEFAULTS.reconnect, ...(raw.reconnect || {}) };
  return Object.freeze({
    functionUrl,
    clientId,
    authority,
    scopes,
    redirectUri,
    knownAuthorities: Array.isArray(raw.knownAuthorities) ? raw.knownAuthorities.map(String) : undefined,
    protocolMode: raw.protocolMode === "OIDC" || raw.protocolMode === "AAD" ? raw.protocolMode : undefined,
    loginHint: nonEmpty(raw.loginHint) ? String(raw.loginHint) : undefined,
    interactionType,
    cacheLocation: raw.cacheLocation === "sessionStorage" ? "sessionStorage" : DEFAULTS.cacheLocation,
    notificationTemplate: nonEmpty(raw.notificationTemplate)
      ? String(raw.notificationTemplate)
      : DEFAULTS.notificationTemplate,
    statusElement: raw.statusElement,
    autoStart: raw.autoStart !== false,
    // screen pop and presence options; normalised by screen-pop.js / presence-sync.js
    screenPop: raw.screenPop && typeof raw.screenPop === "object" ? raw.screenPop : undefined,
    presenceMap: raw.presenceMap && typeof raw.presenceMap === "object" ? raw.presenceMap : undefined,
    waitForCifInitMs: Number.isFinite(raw.waitForCifInitMs) && raw.waitForCifInitMs >= 0 ? raw.waitForCifInitMs : 15000,
    reconnect,
    ...normalisePanelOptions(raw),
  });
}

const REASON_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The panel's options: rejectReasons (list of {code, label}, or the same as a JSON string, e.g. from a
 * page or environment variable), defaultRejectReason (a code of that list), ringTone, desktopNotifications,
 * maxRingingCalls (1–50). A wrong value is a configuration error, not silently replaced.
 */
export function normalisePanelOptions(raw) {
  let reasons = raw.rejectReasons;
  if (typeof reasons === "string" && reasons.trim()) {
    try {
      reasons = JSON.parse(reasons);
    } catch {
      throw configError("setting rejectReasons is not valid JSON (a list of {code, label})");
    }
  }
  if (reasons === undefined || reasons === null || reasons === "") reasons = DEFAULTS.rejectReasons;
  if (!Array.isArray(reasons) || !reasons.length)
    throw configError("setting rejectReasons must be a non-empty list of {code, label}");
  const seen = new Set();
  const rejectReasons = Object.freeze(
    reasons.map((r, i) => {
      const code = r && typeof r.code === "string" ? r.code.trim() : "";
      const label = r && typeof r.label === "string" ? r.label.trim() : "";
      if (!REASON_CODE.test(code) || !label)
        throw configError(`rejectReasons[${i}] needs a code (letters, digits, . _ -, at most 64) and a label`);
      if (seen.has(code)) throw configError(`rejectReasons has the code ${code} twice`);
      seen.add(code);
      return Object.freeze({ code, label: label.slice(0, 80) });
    }),
  );
  const defaultRejectReason = nonEmpty(raw.defaultRejectReason)
    ? String(raw.defaultRejectReason).trim()
    : seen.has(DEFAULTS.defaultRejectReason)
      ? DEFAULTS.defaultRejectReason
      : rejectReasons[0].code;
  if (!seen.has(defaultRejectReason))
    throw configError(`defaultRejectReason ${defaultRejectReason} is not a code of rejectReasons`);
  const max = raw.maxRingingCalls === undefined ? DEFAULTS.maxRingingCalls : Number(raw.maxRingingCalls);
  if (!Number.isInteger(max) || max < 1 || max > 50)
    throw configError("setting maxRingingCalls must be a whole number from 1 to 50");
  return {
    rejectReasons,
    defaultRejectReason,
    ringTone: raw.ringTone !== false && raw.ringTone !== "false",
    desktopNotifications: raw.desktopNotifications !== false && raw.desktopNotifications !== "false",
    maxRingingCalls: max,
    panelElement: raw.panelElement,
  };
}

export function normaliseScopes(value, clientId) {
  const list = Array.isArray(value) ? value : String(value || "").split(/[\s,]+/);
  return list
    .map((s) => String(s).trim())
    .filter(Boolean)
    .map((s) =>
      // The sample's Scope variable holds just the name from "Expose an API" (e.g. "functionuser").
      /[:/]/.test(s) || ["openid", "profile", "offline_access", "email"].includes(s) ? s : `api://${clientId}/${s}`,
    );
}

/**
 * Reads the environment variables through the Dataverse Web API (Xrm.WebApi): definition schema
 * name, default value and current value (the value record wins, as in Power Platform).
 */
export async function readDynamicsConfig(xrm) {
  if (!xrm || !xrm.WebApi || typeof xrm.WebApi.retrieveMultipleRecords !== "function") {
    throw configError("Xrm.WebApi is not available in this page");
  }
  const names = Object.values(ENVIRONMENT_VARIABLES);
  const filter = names.map((n) => `endswith(schemaname,'${n}')`).join(" or ");
  const query =
    "?$select=schemaname,defaultvalue" +
    `&$filter=${filter}` +
    "&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)";
  const result = await xrm.WebApi.retrieveMultipleRecords("environmentvariabledefinition", query);
  const config = {};
  for (const [key, name] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const def = (result.entities || []).find((e) => matchesName(e.schemaname, name));
    if (!def) continue;
    const values = def.environmentvariabledefinition_environmentvariablevalue || [];
    const current = values.find((v) => nonEmpty(v.value));
    config[key] = current ? current.value : def.defaultvalue;
  }
  return config;
}

/** `ClientId` matches ClientId and prefix_ClientId, not e.g. OtherClientId. */
function matchesName(schemaName, name) {
  const s = String(schemaName || "").toLowerCase();
  const n = name.toLowerCase();
  return s === n || s.endsWith(`_${n}`);
}

/**
 * Where the configuration comes from: the page (`window.cifAdaptorConfig`, local stand-in and
 * tests) first, otherwise Dynamics environment variables. Page values override Dynamics ones, so
 * an administrator can pin e.g. redirectUri in the HTML web resource.
 */
export async function loadConfig(win) {
  const page = win.cifAdaptorConfig && typeof win.cifAdaptorConfig === "object" ? win.cifAdaptorConfig : null;
  const xrm = findXrm(win);
  let fromDynamics = {};
  if (xrm && !(page && page.functionUrl && page.clientId && page.authority)) {
    try {
      fromDynamics = await readDynamicsConfig(xrm);
    } catch (err) {
      throw new AdaptorError(
        ErrorKind.CONFIG,
        "The call adaptor settings could not be read from Dynamics. Ask your administrator.",
        `reading environment variables failed: ${err && err.message}`,
        { cause: err },
      );
    }
  }
  return normaliseConfig({ ...fromDynamics, ...(page || {}) }, { pageUrl: win.location && win.location.href });
}

function parseUrl(value, name) {
  try {
    const u = new URL(String(value).trim());
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("not http(s)");
    return u;
  } catch {
    throw configError(`setting ${name} is not a valid http(s) URL: ${String(value).slice(0, 200)}`);
  }
}

function nonEmpty(v) {
  return v !== undefined && v !== null && String(v).trim() !== "";
}

function configError(detail) {
  return new AdaptorError(
    ErrorKind.CONFIG,
    "The call adaptor is not configured correctly. Ask your administrator to check its settings.",
    detail,
  );
}
