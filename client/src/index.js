/**
 * CIF 2.0 panel script: successor of the sample's signalRadaptor.js. Built into
 * dist/signalRadaptor.js (IIFE, global `SignalRAdaptor`, the Dynamics web resource) and
 * dist/signalRadaptor.mjs (ES module).
 */
import { broadcastResponseToMainFrame } from "@azure/msal-browser/redirect-bridge";
import { loadConfig, normaliseConfig } from "./glue/config.js";
import { CifAdaptor, consoleLogger } from "./glue/adaptor.js";
import { toAdaptorError } from "./core/errors.js";
import { ConnectionState } from "./core/connection-manager.js";
import { findXrm } from "./glue/xrm.js";
import { watchCifInit } from "./glue/cif.js";

export { ConnectionState, RegistrationStatus } from "./core/connection-manager.js";
export { ConnectionManager, NegotiatedTokenSource } from "./core/connection-manager.js";
export { NotificationDesk } from "./core/notification-desk.js";
export { AgentState } from "./core/agent-state.js";
export { createBackoff } from "./core/backoff.js";
export { negotiate } from "./core/negotiate.js";
export { registerConnection } from "./core/register-client.js";
export { normaliseConfig } from "./glue/config.js";
export { CifAdaptor } from "./glue/adaptor.js";

export const version = "0.1.0";

let adaptor = null;
let starting = null;

/**
 * Loads the configuration (argument, else window.cifAdaptorConfig, else Dynamics environment
 * variables), signs in silently and connects. Safe to call more than once.
 */
export function connectToSignalR(config) {
  if (!starting) {
    starting = (async () => {
      const win = globalThis.window;
      try {
        const resolved = config ? normaliseConfig(config, { pageUrl: win.location.href }) : await loadConfig(win);
        adaptor = new CifAdaptor(resolved, { win });
        await adaptor.start();
        return adaptor;
      } catch (err) {
        starting = null;
        const e = toAdaptorError(err);
        consoleLogger.error(e.message, e.cause || "");
        showFatal(win, e.userMessage);
        throw e;
      }
    })();
  }
  return starting;
}

/** (Re)starts the connection loop of the running adaptor. */
export async function startConnection() {
  const a = await connectToSignalR();
  await a.start();
}

export async function stopConnection() {
  if (adaptor) await adaptor.stop();
}

/** An access token for the presence API: silent first, interactive sign-in when required (call it from a click). */
export async function acquireTokenSilent() {
  const a = await connectToSignalR();
  return a.auth.acquireToken();
}

/** Opens the interactive sign-in and connects. */
export async function signIn() {
  const a = await connectToSignalR();
  return a.signInAndConnect();
}

/**
 * Tells the server the agent's decision for a notification and returns its DecisionResult
 * {notificationId, status: recorded|already-decided|expired|not-yours|unknown}. The popup does this
 * by itself; this is for pages that build their own buttons.
 */
export async function acknowledgeMessageReceived(notificationId, decision, reason) {
  const a = await connectToSignalR();
  return a.decide(notificationId, decision, reason);
}

/**
 * Registers the live connection with the presence app (`POST {functionUrl}/api/userclient`, Bearer
 * Entra token, body {connectionId}; no client-chosen user id: the app takes the user from the token)
 * and resolves with the result. The adaptor already does this by itself after every connect and
 * reconnect, retrying in the background; calling it skips a pending back-off and waits for that attempt.
 * Resolves {connectionId, state, status: registered|pending|retrying|rejected|not-connected,
 * registered, userId, attempts, error, retryInMs?}; never rejects for a failed registration.
 */
export async function registerClient() {
  const a = await connectToSignalR();
  const reg = await a.register();
  return { ...reg, connectionId: reg.connectionId ?? a.connection.connectionId, state: a.connection.state };
}

/**
 * Sets the agent's availability ("Available" | "Busy" | "DoNotDisturb" | "Away") through the hub method
 * `setAvailability`; resolves {status: "recorded", availability}. The panel's control does the same.
 */
export async function setAvailability(availability) {
  const a = await connectToSignalR();
  return a.setAvailability(availability);
}

/** The agent's state as the panel shows it: {availability, reason, since, activeCalls, capacity, missedCalls, ringing}. */
export async function agentState() {
  const a = await connectToSignalR();
  return {
    ...(a.agentState.current || {}),
    missedCalls: a.agentState.missed.slice(),
    ringing: a.desk.ringingCalls().map((c) => ({ notificationId: c.notificationId, front: c.front })),
  };
}

/** The running adaptor (or null before connectToSignalR). */
export function current() {
  return adaptor;
}

function showFatal(win, text) {
  try {
    const doc = win.document;
    let box = doc.getElementById("cif-adaptor-notice");
    if (!box) {
      box = doc.createElement("div");
      box.id = "cif-adaptor-notice";
      (doc.body || doc.documentElement).prepend(box);
    }
    box.setAttribute("role", "alert");
    box.dataset.level = "error";
    box.textContent = text;
    const status = doc.getElementById("cif-adaptor-status");
    if (status) {
      status.dataset.state = ConnectionState.DISCONNECTED;
      status.dataset.colour = "gray";
    }
  } catch {
    /* no DOM */
  }
}

/** True in the sign-in popup / hidden iframe that MSAL opened: the page only relays the answer. */
function isMsalResponseWindow(win) {
  const inChild = Boolean(win.opener) || win.parent !== win;
  const params = new URLSearchParams((win.location.hash || "").replace(/^#/, "") || win.location.search);
  return inChild && params.has("state") && (params.has("code") || params.has("error"));
}

function autoStart() {
  const win = globalThis.window;
  if (!win || !win.document) return;
  watchCifInit(win); // before anything else: CIFInitDone may come while the configuration loads
  if (isMsalResponseWindow(win)) {
    broadcastResponseToMainFrame().catch((err) => consoleLogger.error("sign-in response relay failed", err));
    return;
  }
  const pageConfig = win.cifAdaptorConfig;
  if (pageConfig && pageConfig.autoStart === false) return;
  const inDynamics = Boolean(findXrm(win, { needWebApi: false }));
  if (!pageConfig && !inDynamics) return; // a page that will call connectToSignalR(config) itself
  const go = () =>
    connectToSignalR().catch(() => {
      /* shown to the agent already */
    });
  if (win.document.readyState === "loading") win.document.addEventListener("DOMContentLoaded", go, { once: true });
  else go();
}

autoStart();
