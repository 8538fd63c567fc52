import { parseCifValue } from "./cif.js";

import { Availability, METHOD_GET_AGENT_STATE, METHOD_SET_AVAILABILITY } from "../core/names.js";

export { METHOD_SET_AVAILABILITY };
export const AVAILABILITIES = Object.freeze(Object.values(Availability));

/** Our availability → Omnichannel presence text (setPresence needs the admin's text exactly). */
export const DEFAULT_TO_PRESENCE = Object.freeze({
  Available: "Available",
  Busy: "Busy",
  DoNotDisturb: "Do not disturb",
  Away: "Away",
});
/** For presence texts the map does not name: Omnichannel's base status decides. */
const BASE_TO_AVAILABILITY = Object.freeze({
  AVAILABLE: "Available",
  BUSY: "Busy",
  BUSY_DND: "DoNotDisturb",
  AWAY: "Away",
  OFFLINE: "Away",
});

/**
 * presenceMap option: {toPresence: {Available: "<text>", …}, fromPresence: {"<text>": "Busy", …}}. fromPresence
 * defaults to toPresence inverted; texts in neither fall back to the presence's basePresenceStatus.
 */
export function normalisePresenceMap(raw) {
  const o = raw && typeof raw === "object" ? raw : {};
  const toPresence = { ...DEFAULT_TO_PRESENCE };
  for (const [k, v] of Object.entries(o.toPresence || {}))
    if (AVAILABILITIES.includes(k) && typeof v === "string" && v.trim()) toPresence[k] = v.trim();
  const fromPresence = {};
  for (const [a, text] of Object.entries(toPresence)) fromPresence[text.toLowerCase()] = a;
  for (const [text, a] of Object.entries(o.fromPresence || {}))
    if (AVAILABILITIES.includes(a)) fromPresence[String(text).trim().toLowerCase()] = a;
  return Object.freeze({ toPresence: Object.freeze(toPresence), fromPresence: Object.freeze(fromPresence) });
}

/** The availability a CIF presence (onPresenceChange data or getPresence result) stands for, or null. */
export function availabilityOf(map, presence) {
  const v = parseCifValue(presence);
  const info = v && typeof v === "object" ? v.presenceInfo || v : null;
  if (!info) return null;
  const text = String(info.presenceText || "")
    .trim()
    .toLowerCase();
  if (text && map.fromPresence[text]) return map.fromPresence[text];
  return BASE_TO_AVAILABILITY[String(info.basePresenceStatus || "").toUpperCase()] || null;
}

/**
 * Keeps our availability and the Omnichannel presence in step where CIF offers presence (setPresence /
 * onPresenceChange): our `availability` pushes (and getAgentState after each connect) set the presence text;
 * an onPresenceChange (agent changed it in Dynamics) calls setAvailability. Without a CIF presence API nothing
 * happens here and the panel's own availability control works alone.
 */
export function createPresenceSync({ cif, invoke, map: rawMap, logger = console }) {
  const map = rawMap && rawMap.toPresence ? rawMap : normalisePresenceMap(rawMap);
  let current = null; // our availability as last known
  let lastText = null; // presence text we last set or saw
  let api = null;
  let active = false;

  async function start() {
    try {
      api = await cif.ready();
    } catch {
      return false;
    }
    if (typeof api.setPresence !== "function" || typeof api.addHandler !== "function") {
      logger.info("CIF offers no presence API here: availability is changed in the panel only");
      return false;
    }
    active = true;
    await api.addHandler("onPresenceChange", onPresenceChange);
    return true;
  }

  async function onPresenceChange(eventData) {
    const wanted = availabilityOf(map, eventData);
    const info = parseCifValue(eventData);
    lastText = String(((info && info.presenceInfo) || info || {}).presenceText || "") || lastText;
    if (!wanted || wanted === current) return;
    logger.info(`Omnichannel presence changed → availability ${wanted}`);
    current = wanted;
    try {
      await invoke(METHOD_SET_AVAILABILITY, { availability: wanted });
    } catch (err) {
      logger.warn("setAvailability after a presence change failed", err && err.message);
    }
  }

  /** Our availability changed (push, getAgentState, or the panel's control): mirror it into Omnichannel. */
  async function onAvailability(state) {
    const a = state && state.availability;
    if (!AVAILABILITIES.includes(a)) return;
    current = a;
    if (!active) return;
    const text = map.toPresence[a];
    if (!text || (lastText && lastText.toLowerCase() === text.toLowerCase())) return;
    lastText = text;
    try {
      const ok = await api.setPresence(text);
      if (ok === false || ok === "false")
        logger.warn(`setPresence("${text}") was refused: no Omnichannel presence has exactly this text (presenceMap)`);
    } catch (err) {
      logger.warn(`setPresence("${text}") failed`, err && err.message);
    }
  }

  /** After each (re)connect: draw the server's state into Omnichannel (no push on connect, per the contract). */
  async function resync() {
    try {
      const state = await invoke(METHOD_GET_AGENT_STATE);
      await onAvailability(state);
    } catch (err) {
      logger.debug ? logger.debug("getAgentState failed", err && err.message) : undefined;
    }
  }

  return {
    start,
    onAvailability,
    onPresenceChange,
    resync,
    get active() {
      return active;
    },
    get current() {
      return current;
    },
  };
}
