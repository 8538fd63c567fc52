import { ConnectionManager, ConnectionState, RegistrationStatus } from "../core/connection-manager.js";
import { NotificationDesk } from "../core/notification-desk.js";
import { createBackoff } from "../core/backoff.js";
import { negotiate } from "../core/negotiate.js";
import { registerConnection } from "../core/register-client.js";
import { AdaptorError, ErrorKind, toAdaptorError } from "../core/errors.js";
import { METHOD_DECIDE, TARGET_AVAILABILITY, TARGET_DECIDED, TARGET_NOTIFY, TARGET_WITHDRAW } from "../core/names.js";
import { AgentState } from "../core/agent-state.js";
import { MsalTokenProvider } from "./msal-auth.js";
import { createCifPopup } from "./cif-popup.js";
import { createCif } from "./cif.js";
import { createPanelCallCards } from "./panel-call-card.js";
import { createScreenPop } from "./screen-pop.js";
import { createPresenceSync, METHOD_SET_AVAILABILITY } from "./presence-sync.js";
import { createIndicator } from "./indicator.js";
import { createHubConnection } from "./signalr-connection.js";
import { TraceContexts } from "./trace-context.js";
import { DEFAULTS } from "./config.js";
import { createPanel } from "./panel.js";
import { createRingTone } from "./ring-tone.js";
import { createDesktopAlerts } from "./desktop-alert.js";

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
    this._traces = new TraceContexts();
    this.auth = tokenProvider || new MsalTokenProvider(config, { logger, fetch: win.fetch.bind(win) });
    this.indicator = indicator || createIndicator({ doc: win.document, target: config.statusElement });
    this.connection = new ConnectionManager({
      getAccessToken: (o) => this.auth.getAccessToken(o),
      negotiate: (accessToken) =>
        negotiate({ functionUrl: config.functionUrl, accessToken, fetch: win.fetch.bind(win) }),
      createConnection: (o) => createHubConnection(o),
      // after every connect/reconnect: POST {functionUrl}/api/userclient so a lost upstream `connected` event cannot hide us
      registerConnection: (accessToken, connectionId) =>
        registerConnection({ functionUrl: config.functionUrl, accessToken, connectionId, fetch: win.fetch.bind(win) }),
      backoff: createBackoff(config.reconnect),
      logger,
    });
    this.agentState = new AgentState({ invoke: (method, ...args) => this.connection.invoke(method, ...args), logger });
    // CIF 2.0: nothing is called before CIFInitDone (cif.js); Xrm is looked up on window.top (xrm.js).
    this.cif = createCif({ win, logger, waitForInitMs: config.waitForCifInitMs });
    const cards =
      win.document && typeof win.document.createElement === "function"
        ? createPanelCallCards({ doc: win.document, anchor: config.statusElement })
        : null;
    const notice = (level, text) => {
      logger.info(`notice (${level}): ${text}`);
      this.indicator.notice(level, text);
    };
    this.screenPop = createScreenPop({ cif: this.cif, options: config.screenPop, logger, notice });
    // Omnichannel presence ↔ availability: setAvailability goes through AgentState, so the panel's control follows.
    this.presenceSync = createPresenceSync({
      cif: this.cif,
      map: config.presenceMap,
      logger,
      invoke: (method, arg) =>
        method === METHOD_SET_AVAILABILITY
          ? this.agentState.set(arg.availability)
          : this.connection.invoke(method, arg),
    });
    this.agentState.onChange(() => {
      if (this.agentState.current) this.presenceSync.onAvailability(this.agentState.current);
    });
    this._offered = new Map(); // notificationId → notify payload, for the screen pop after Accept
    this.desk = new NotificationDesk({
      // the agent panel (panel.js) keeps a call CIF could not carry in its own call card; our card only without it
      popup:
        popup ||
        createCifPopup({
          win,
          cif: this.cif,
          templateName: config.notificationTemplate,
          cards: () => (this.panel ? null : cards),
          logger,
        }),
      invokeDecide: (decision) => this._invokeDecide(decision),
      waitForConnected: (ms) => this.connection.waitForConnected(ms),
      notice: (level, text) => {
        // one line on screen (the latest); every notice also in the console, for support and tests
        logger.info(`notice (${level}): ${text}`);
        this.indicator.notice(level, text);
      },
      onMissed: (call) => {
        this.agentState.addMissed(call);
        this._refreshMissedSoon();
      },
      defaultRejectReason: config.defaultRejectReason || DEFAULTS.defaultRejectReason,
      maxRingingCalls: config.maxRingingCalls || DEFAULTS.maxRingingCalls,
      logger,
    });
    this.ringTone = createRingTone({ win, logger, enabled: config.ringTone !== false });
    this.desktopAlerts = createDesktopAlerts({ win, logger, enabled: config.desktopNotifications !== false });
    // The agent panel (availability, call card, waiting calls, missed calls) goes under the indicator.
    const root = this.indicator.element;
    if (root && win.document && typeof win.document.createElement === "function") {
      this.panel = createPanel({
        doc: win.document,
        root,
        desk: this.desk,
        agentState: this.agentState,
        ringTone: this.ringTone,
        desktopAlerts: this.desktopAlerts,
        logger,
        rejectReasons: config.rejectReasons || DEFAULTS.rejectReasons,
        defaultRejectReason: config.defaultRejectReason || DEFAULTS.defaultRejectReason,
        onError: (err) =>
          this.indicator.notice("error", (err && err.userMessage) || "That did not work. Try again in a moment."),
      });
    }
    this.connection.on(TARGET_NOTIFY, (n) =>
      this._safely("notify", () => {
        this._traces.remember(n);
        this._remember(n);
        return this.desk.onNotify(n);
      }),
    );
    this.connection.on(TARGET_WITHDRAW, (w) => this._safely("withdraw", () => this.desk.onWithdraw(w)));
    this.connection.on(TARGET_DECIDED, (d) => this._safely("decided", () => this.desk.onDecided(d)));
    this.connection.on(TARGET_AVAILABILITY, (a) => this._safely("availability", () => this.agentState.onPush(a)));
    this.connection.onStateChange((state, info) => this._showState(state, info));
    this.connection.onRegistrationChange((reg) => this._showRegistration(reg));
    // Back on the network: try at once instead of waiting out the back-off.
    if (typeof win.addEventListener === "function") win.addEventListener("online", () => this.connection.retryNow());
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
  register() {
    return this.connection.register();
  }

  async stop() {
    clearTimeout(this._missedTimer);
    await this.connection.stop();
  }

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
    if (decision !== "accept" && decision !== "reject")
      throw new TypeError(`decision must be "accept" or "reject", not ${decision}`);
    // a call ringing in this panel goes through the desk, so its card and CIF notification close
    if (this.desk.stateOf(notificationId) === "ringing") {
      return decision === "accept" ? this.desk.accept(notificationId) : this.desk.reject(notificationId, reason);
    }
    return this._invokeDecide({ notificationId, decision, reason });
  }

  /** Every `decide` goes out here: adds the notify's traceparent (additive field) so the decision joins the call's trace. */
  /** Every decide: carries the popup's trace context back; an Accept the server recorded opens the customer. */
  async _invokeDecide(arg) {
    const traceparent = this._traces.take(arg.notificationId);
    const result = await this.connection.invoke(METHOD_DECIDE, traceparent ? { ...arg, traceparent } : arg);
    if (arg.decision === "accept" && result && result.status === "recorded") this._screenPop(arg.notificationId);
    return result;
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
      // no push on connect: read availability, capacity use and missed calls after every (re)connect
      this.agentState.refresh();
      if (this._lastStateHadError) this.indicator.clearNotice();
    }
    this._lastStateHadError = Boolean(error);
  }

  _showRegistration(reg) {
    if (typeof this.indicator.setRegistration === "function") this.indicator.setRegistration(reg); // custom indicators may lack it
    if (reg && reg.status === RegistrationStatus.RETRYING) {
      const when =
        reg.retryInMs !== undefined ? ` Next try in ${Math.max(1, Math.round(reg.retryInMs / 1000))} s.` : "";
      this.indicator.notice(
        "warning",
        `You are connected, but the call service has not registered this window for calls yet; we will keep trying.${when}`,
      );
      this._registrationNotice = true;
    } else if (
      reg &&
      reg.status === RegistrationStatus.REJECTED &&
      reg.error &&
      reg.error.kind === ErrorKind.SIGN_IN_REQUIRED
    ) {
      this.indicator.notice("warning", reg.error.userMessage);
      this.indicator.showSignIn(() => this.signInAndConnect());
      this._registrationNotice = true;
    } else if (this._registrationNotice && reg?.status !== RegistrationStatus.PENDING) {
      // registered, refused (details in the console), or the connection went away (the state line takes over)
      this.indicator.clearNotice();
      this._registrationNotice = false;
    }
  }

  /** The agent's availability: "Available" | "Busy" | "DoNotDisturb" | "Away" (hub method setAvailability). */
  setAvailability(availability) {
    return this.agentState.set(availability);
  }

  /** Re-reads the stored missed calls shortly after one rang out here (the server records it first). */
  _refreshMissedSoon() {
    clearTimeout(this._missedTimer);
    this._missedTimer = setTimeout(() => {
      if (this.connection.state === ConnectionState.CONNECTED) this.agentState.refreshMissed();
    }, 2000);
  }

  _safely(what, fn) {
    try {
      fn();
    } catch (err) {
      this._log.error(`handling ${what} failed`, err);
    }
  }
}
