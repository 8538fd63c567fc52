import { ConnectionManager, ConnectionState, RegistrationStatus } from "../core/connection-manager.js";
import { NotificationDesk } from "../core/notification-desk.js";
import { createBackoff } from "../core/backoff.js";
import { negotiate } from "../core/negotiate.js";
import { registerConnection } from "../core/register-client.js";
import { AdaptorError, ErrorKind, toAdaptorError } from "../core/errors.js";
import { METHOD_DECIDE, TARGET_DECIDED, TARGET_NOTIFY, TARGET_WITHDRAW } from "../core/names.js";
import { MsalTokenProvider } from "./msal-auth.js";
import { createCifPopup } from "./cif-popup.js";
import { createCif } from "./cif.js";
import { createPanelCallCards } from "./panel-call-card.js";
import { createScreenPop } from "./screen-pop.js";
import { createPresenceSync, TARGET_AVAILABILITY } from "./presence-sync.js";
import { createIndicator } from "./indicator.js";
import { createHubConnection } from "./signalr-connection.js";

const PREFIX = "[cif-adaptor]";

/** Console logger that never prints tokens: only messages and error details go out. */
export const consoleLogger = {
  debug: (...a) => console.debug(PREFIX, ...a),
  info: (...a) => console.info(PREFIX, ...a),
  warn: (...a) => console.warn(PREFIX, ...a),
  error: (...a) => console.error(PREFIX, ...a),
};

/**
 * Wires the testable core (ConnectionManager, NotificationDesk) to the browser: MSAL, the CIF
 * notification API, the status indicator and @microsoft/signalr.
 */
export class CifAdaptor {
  constructor(config, { win = globalThis.window, logger = consoleLogger, tokenProvider, popup, indicator } = {}) {
    this.config = config;
    this._win = win;
    this._log = logger;
    this.auth = tokenProvider || new MsalTokenProvider(config, { logger, fetch: win.fetch.bind(win) });
    this.indicator = indicator || createIndicator({ doc: win.document, target: config.statusElement });
    this.connection = new ConnectionManager({
      getAccessToken: (o) => this.auth.getAccessToken(o),
      negotiate: (accessToken) => negotiate({ functionUrl: config.functionUrl, accessToken, fetch: win.fetch.bind(win) }),
      createConnection: (o) => createHubConnection(o),
      // after every connect/reconnect: POST {functionUrl}/api/userclient so a lost upstream `connected` event cannot hide us
      registerConnection: (accessToken, connectionId) =>
        registerConnection({ functionUrl: config.functionUrl, accessToken, connectionId, fetch: win.fetch.bind(win) }),
      backoff: createBackoff(config.reconnect),
      logger,
    });
    // CIF 2.0: nothing is called before CIFInitDone (cif.js); Xrm is looked up on window.top (xrm.js).
    this.cif = createCif({ win, logger, waitForInitMs: config.waitForCifInitMs });
    const cards = win.document ? createPanelCallCards({ doc: win.document, anchor: config.statusElement }) : null;
    const notice = (level, text) => { logger.info(`notice (${level}): ${text}`); this.indicator.notice(level, text); };
    this.screenPop = createScreenPop({ cif: this.cif, options: config.screenPop, logger, notice });
    this.presenceSync = createPresenceSync({ cif: this.cif, invoke: (m, ...a) => this.connection.invoke(m, ...a), map: config.presenceMap, logger });
    this._offered = new Map(); // notificationId → notify payload, for the screen pop after Accept
    this.desk = new NotificationDesk({
      popup: popup || createCifPopup({ win, cif: this.cif, templateName: config.notificationTemplate, cards, logger }),
      invokeDecide: async (decision) => {
        const result = await this.connection.invoke(METHOD_DECIDE, decision);
        if (decision.decision === "accept" && result && result.status === "recorded") this._screenPop(decision.notificationId);
        return result;
      },
      waitForConnected: (ms) => this.connection.waitForConnected(ms),
      notice: (level, text) => {
        // one line on screen (the latest); every notice also in the console, for support and tests
        logger.info(`notice (${level}): ${text}`);
        this.indicator.notice(level, text);
      },
      logger,
    });
    this.connection.on(TARGET_NOTIFY, (n) => this._safely("notify", () => { this._remember(n); this.desk.onNotify(n); }));
    this.onTarget(TARGET_AVAILABILITY, (s) => this.presenceSync.onAvailability(s));
    this.connection.on(TARGET_WITHDRAW, (w) => this._safely("withdraw", () => this.desk.onWithdraw(w)));
    this.connection.on(TARGET_DECIDED, (d) => this._safely("decided", () => this.desk.onDecided(d)));
    this.connection.onStateChange((state, info) => {
      this._showState(state, info);
      if (state === ConnectionState.CONNECTED) this.presenceSync.resync();
    });
    this.connection.onRegistrationChange((reg) => this._showRegistration(reg));
    // Back on the network: try at once instead of waiting out the back-off.
    if (typeof win.addEventListener === "function") win.addEventListener("online", () => this.connection.retryNow());
  }

  /**
   * Adds a handler for a hub target; several parts of the panel may listen to one target (the connection
   * manager keeps one handler per target, so this fans out).
   */
  onTarget(target, handler) {
    if (!this._fanOut) this._fanOut = new Map();
    let list = this._fanOut.get(target);
    if (!list) {
      list = [];
      this._fanOut.set(target, list);
      this.connection.on(target, (payload) => {
        for (const h of list) this._safely(target, () => Promise.resolve(h(payload)).catch((err) => this._log.error(`handling ${target} failed`, err)));
      });
    }
    list.push(handler);
  }

  _remember(n) {
    if (!n || typeof n.notificationId !== "string") return;
    this._offered.set(n.notificationId, n);
    while (this._offered.size > 200) this._offered.delete(this._offered.keys().next().value);
  }

  _screenPop(notificationId) {
    const n = this._offered.get(notificationId);
    if (!n) return;
    this.screenPop.open(n).catch((err) => this._log.warn("screen pop failed", err));
  }

  /** Starts (or resumes) the connection; an agent who must sign in gets a Sign in button. */
  async start() {
    if (!this._presenceStarted) {
      this._presenceStarted = true;
      this.presenceSync.start().catch((err) => this._log.warn("presence sync did not start", err));
    }
    // already running (e.g. Sign in while connected): keep what the indicator shows; start() retries a stalled registration
    if (!this.connection.running) this.indicator.setState(ConnectionState.CONNECTING);
    await this.connection.start();
  }

  /** Registers the live connection with the presence app now; resolves with the registration (see ConnectionManager#register). */
  register() { return this.connection.register(); }

  async stop() { await this.connection.stop(); }

  /** Interactive sign-in, then connect. Bound to the Sign in button (a click, so the popup is allowed). */
  async signInAndConnect() {
    try {
      this.indicator.hideSignIn();
      this.indicator.notice("info", "Signing in…");
      await this.auth.signIn();
      this.indicator.clearNotice();
      await this.start();
    } catch (err) {
      const e = toAdaptorError(err, "Sign-in did not work. Select Sign in to try again.");
      this._log.error("sign-in failed:", e.message);
      this.indicator.notice("error", e.userMessage);
      this.indicator.showSignIn(() => this.signInAndConnect());
    }
  }

  /** Structured acknowledgement of a notification (what the seed's bare "Accepted"/"Rejected" string became). */
  async decide(notificationId, decision, reason = null) {
    if (decision !== "accept" && decision !== "reject") throw new TypeError(`decision must be "accept" or "reject", not ${decision}`);
    return this.connection.invoke(METHOD_DECIDE, { notificationId, decision, reason });
  }

  _showState(state, { error, retryInMs } = {}) {
    this.indicator.setState(state, { detail: error ? error.userMessage : undefined });
    if (error) {
      // details are already in the console (ConnectionManager logs each failure once)
      const when = retryInMs !== undefined ? ` Next try in ${Math.max(1, Math.round(retryInMs / 1000))} s.` : "";
      const signIn = error instanceof AdaptorError && error.kind === ErrorKind.SIGN_IN_REQUIRED;
      const level = state === ConnectionState.DISCONNECTED && !signIn ? "error" : "warning";
      this.indicator.notice(level, `${error.userMessage || "Connection problem."}${when}`);
      if (signIn) {
        this.indicator.showSignIn(() => this.signInAndConnect());
      }
    } else if (state === ConnectionState.CONNECTED) {
      this.indicator.hideSignIn();
      if (this._lastStateHadError) this.indicator.clearNotice();
    }
    this._lastStateHadError = Boolean(error);
  }

  _showRegistration(reg) {
    if (typeof this.indicator.setRegistration === "function") this.indicator.setRegistration(reg); // custom indicators may lack it
    if (reg && reg.status === RegistrationStatus.RETRYING) {
      const when = reg.retryInMs !== undefined ? ` Next try in ${Math.max(1, Math.round(reg.retryInMs / 1000))} s.` : "";
      this.indicator.notice("warning", `You are connected, but the call service has not registered this window for calls yet; we will keep trying.${when}`);
      this._registrationNotice = true;
    } else if (reg && reg.status === RegistrationStatus.REJECTED && reg.error && reg.error.kind === ErrorKind.SIGN_IN_REQUIRED) {
      this.indicator.notice("warning", reg.error.userMessage);
      this.indicator.showSignIn(() => this.signInAndConnect());
      this._registrationNotice = true;
    } else if (this._registrationNotice && reg?.status !== RegistrationStatus.PENDING) {
      // registered, refused (details in the console), or the connection went away (the state line takes over)
      this.indicator.clearNotice();
      this._registrationNotice = false;
    }
  }

  _safely(what, fn) {
    try { fn(); } catch (err) { this._log.error(`handling ${what} failed`, err); }
  }
}
