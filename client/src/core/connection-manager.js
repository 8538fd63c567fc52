import { createBackoff } from "./backoff.js";
import { AdaptorError, ErrorKind, toAdaptorError } from "./errors.js";
import { jwtExpiry } from "./negotiate.js";

export const ConnectionState = Object.freeze({
  DISCONNECTED: "disconnected", // gray: not connected and not trying (stopped, sign-in needed, configuration wrong)
  CONNECTING: "connecting",     // amber: first connection under way
  CONNECTED: "connected",       // green
  RECONNECTING: "reconnecting", // amber: lost it, trying again with back-off
});

const noopLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The connection state machine, free of browser, MSAL and CIF types so that it runs in Node
 * against the real @microsoft/signalr client.
 *
 * Each connection attempt: fresh Entra token → negotiate with the presence app → new HubConnection
 * → start. While a connection lives, @microsoft/signalr's automatic reconnect handles short drops;
 * its accessTokenFactory re-negotiates before every reconnect attempt, so each attempt carries a
 * fresh SignalR token (a restarted service, a rotated key or an expired token all recover).
 * When the automatic reconnect gives up or the server closes the connection for good, the manager
 * builds a new connection with the same capped, jittered back-off, forever, until stop().
 */
export class ConnectionManager {
  /**
   * @param {object} deps
   * @param {(opts: {forceRefresh: boolean}) => Promise<string>} deps.getAccessToken Entra access token for the presence app
   * @param {(accessToken: string) => Promise<{url: string, accessToken: string}>} deps.negotiate
   * @param {(opts: {url: string, accessTokenFactory: () => Promise<string>, reconnectPolicy: object}) => any} deps.createConnection
   *        returns a @microsoft/signalr HubConnection (or anything with the same on/onclose/onreconnecting/onreconnected/start/stop/invoke)
   * @param {Record<string, (...args: any[]) => void>} [deps.handlers] hub targets → handlers
   * @param {ReturnType<typeof createBackoff>} [deps.backoff]
   * @param {number} [deps.maxAutoReconnectAttempts] automatic reconnects on one HubConnection before it is rebuilt
   * @param {number} [deps.tokenRefreshMarginMs] re-negotiate when the SignalR token expires within this margin
   */
  constructor({
    getAccessToken,
    negotiate,
    createConnection,
    handlers = {},
    backoff = createBackoff(),
    maxAutoReconnectAttempts = 4,
    tokenRefreshMarginMs = 60_000,
    now = () => Date.now(),
    logger = noopLogger,
  }) {
    if (typeof getAccessToken !== "function" || typeof negotiate !== "function" || typeof createConnection !== "function") {
      throw new TypeError("ConnectionManager needs getAccessToken, negotiate and createConnection functions");
    }
    Object.assign(this, { _getAccessToken: getAccessToken, _negotiate: negotiate, _createConnection: createConnection });
    this._handlers = { ...handlers };
    this._backoff = backoff;
    this._maxAuto = maxAutoReconnectAttempts;
    this._marginMs = tokenRefreshMarginMs;
    this._now = now;
    this._log = logger;

    this._state = ConnectionState.DISCONNECTED;
    this._listeners = new Set();
    this._conn = null;
    this._starting = null;
    this._running = false;
    this._generation = 0;      // bumps on stop(): stale attempts and timers see it and quit
    this._attempt = 0;         // consecutive failed attempts (back-off exponent)
    this._retryTimer = null;
    this._everConnected = false;
    this._forceTokenRefresh = false;
    this.lastError = null;
  }

  get state() { return this._state; }
  get connectionId() { return this._conn ? this._conn.connectionId : null; }

  /** Subscribes to state changes: fn(state, {error?, retryInMs?}). Returns an unsubscribe function. */
  onStateChange(fn) {
    this._listeners.add(fn);
    return () => this._listeners.delete(fn);
  }

  /** Registers a hub target handler (also applied to connections built later). */
  on(target, handler) {
    this._handlers[target] = handler;
    if (this._conn) this._conn.on(target, handler);
  }

  /**
   * Starts connecting (and keeps the connection up until stop()). Resolves after the first attempt:
   * connected, or failed (retrying in the background, or blocked on the agent/admin — see state and lastError).
   */
  async start() {
    if (this._running) return;
    this._running = true;
    this._attempt = 0;
    const gen = this._generation;
    this._setState(this._everConnected ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING);
    await this._attemptConnect(gen);
  }

  /** Stops for good (until start() again): no retries, connection closed, gray. */
  async stop() {
    this._generation++;
    this._running = false;
    if (this._retryTimer) { clearTimeout(this._retryTimer); this._retryTimer = null; }
    const conns = [this._conn, this._starting].filter(Boolean);
    this._conn = null;
    this._starting = null;
    for (const conn of conns) {
      try { await conn.stop(); } catch (err) { this._log.debug("stop failed", err); }
    }
    this._setState(ConnectionState.DISCONNECTED);
  }

  /** Skips the back-off wait of a scheduled retry (the browser came back online, the agent asked). */
  retryNow() {
    if (!this._running || !this._retryTimer) return false;
    clearTimeout(this._retryTimer);
    this._retryTimer = null;
    this._attemptConnect(this._generation);
    return true;
  }

  /** Invokes a hub method on the live connection; rejects with an AdaptorError when not connected. */
  async invoke(method, ...args) {
    const conn = this._conn;
    if (!conn || this._state !== ConnectionState.CONNECTED) {
      throw new AdaptorError(ErrorKind.NETWORK, "You are not connected to the call service right now.", `invoke ${method} while ${this._state}`);
    }
    return conn.invoke(method, ...args);
  }

  /** Resolves when connected (at once if already), rejects after timeoutMs or when stopped. */
  waitForConnected(timeoutMs) {
    if (this._state === ConnectionState.CONNECTED) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { off(); reject(new Error(`not connected within ${timeoutMs} ms`)); }, Math.max(0, timeoutMs));
      const off = this.onStateChange((state) => {
        if (state === ConnectionState.CONNECTED) { clearTimeout(timer); off(); resolve(); }
        else if (!this._running) { clearTimeout(timer); off(); reject(new Error("connection stopped")); }
      });
    });
  }

  _setState(state, info = {}) {
    if (info.error) this.lastError = info.error;
    else if (state === ConnectionState.CONNECTED) this.lastError = null;
    const changed = state !== this._state;
    this._state = state;
    if (changed || info.error || info.retryInMs !== undefined) {
      for (const fn of [...this._listeners]) {
        try { fn(state, info); } catch (err) { this._log.error("state listener failed", err); }
      }
    }
  }

  async _attemptConnect(gen) {
    let conn = null;
    try {
      const entraToken = await this._getAccessToken({ forceRefresh: this._forceTokenRefresh });
      if (gen !== this._generation) return;
      const info = await this._negotiate(entraToken);
      if (gen !== this._generation) return;
      this._forceTokenRefresh = false;
      const tokens = new NegotiatedTokenSource({
        initial: info,
        renegotiate: async () => this._negotiate(await this._getAccessToken({ forceRefresh: false })),
        now: this._now,
        marginMs: this._marginMs,
      });
      conn = this._createConnection({
        url: info.url,
        accessTokenFactory: () => tokens.get(),
        reconnectPolicy: this._reconnectPolicy(tokens),
      });
      for (const [target, handler] of Object.entries(this._handlers)) conn.on(target, handler);
      conn.onreconnecting((err) => {
        if (conn !== this._conn) return;
        this._log.warn(`SignalR connection lost; reconnecting${err ? `: ${err.message}` : ""}`);
        this._setState(ConnectionState.RECONNECTING, { error: err ? toAdaptorError(err, "The connection to the call service dropped; reconnecting.") : undefined });
      });
      conn.onreconnected(() => {
        if (conn !== this._conn) return;
        this._attempt = 0;
        this._setState(ConnectionState.CONNECTED);
      });
      conn.onclose((err) => this._onClosed(conn, err, gen));
      this._starting = conn;
      await conn.start();
      this._starting = null;
      if (gen !== this._generation) { await safeStop(conn); return; }
      this._conn = conn;
      this._attempt = 0;
      this._everConnected = true;
      this._setState(ConnectionState.CONNECTED);
    } catch (err) {
      if (conn && this._starting === conn) this._starting = null;
      if (gen !== this._generation) return;
      this._onAttemptFailed(classifyStartError(err), gen);
    }
  }

  _reconnectPolicy(tokens) {
    return {
      nextRetryDelayInMilliseconds: (ctx) => {
        // Every automatic reconnect attempt re-negotiates: a fresh SignalR token for the (new) service.
        tokens.invalidate();
        if (tokens.endpointChanged || ctx.previousRetryCount >= this._maxAuto) return null; // rebuild instead
        return this._backoff.delay(ctx.previousRetryCount);
      },
    };
  }

  _onClosed(conn, err, gen) {
    if (conn !== this._conn || gen !== this._generation || !this._running) return;
    this._conn = null;
    const error = err ? toAdaptorError(err, "The connection to the call service closed; reconnecting.") : undefined;
    this._log.warn(`SignalR connection closed; building a new one${err ? `: ${err.message}` : ""}`);
    this._scheduleRetry(gen, error);
  }

  _onAttemptFailed(error, gen) {
    this._log.error(`connect attempt failed (${error.kind}): ${error.message}`, error.cause || "");
    if (error.kind === ErrorKind.SIGN_IN_REQUIRED || error.kind === ErrorKind.CONFIG || error.kind === ErrorKind.FORBIDDEN) {
      // Retrying cannot help until the agent signs in or the administrator fixes something.
      this._running = false;
      this._setState(ConnectionState.DISCONNECTED, { error });
      return;
    }
    if (error.kind === ErrorKind.TOKEN_EXPIRED) this._forceTokenRefresh = true;
    this._scheduleRetry(gen, error);
  }

  _scheduleRetry(gen, error) {
    const delay = this._backoff.delay(this._attempt++);
    this._setState(this._everConnected ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING, { error, retryInMs: delay });
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      if (gen === this._generation && this._running) this._attemptConnect(gen);
    }, delay);
  }
}

/**
 * The SignalR access token of one connection. Hands out the negotiated token; after invalidate()
 * (start of a reconnect attempt) or shortly before the token expires, negotiates again.
 */
export class NegotiatedTokenSource {
  constructor({ initial, renegotiate, now = () => Date.now(), marginMs = 60_000 }) {
    this._url = initial.url;
    this._current = initial.accessToken;
    this._renegotiate = renegotiate;
    this._now = now;
    this._marginMs = marginMs;
    this._stale = false;
    this._pending = null;
    this.endpointChanged = false;
    this.negotiations = 0;
  }

  invalidate() { this._stale = true; }

  async get() {
    if (this._current && !this._stale && !this._expiringSoon(this._current)) return this._current;
    if (!this._pending) {
      this._pending = (async () => {
        const info = await this._renegotiate();
        this.negotiations++;
        if (info.url !== this._url) {
          this.endpointChanged = true;
          throw new AdaptorError(ErrorKind.SERVER, "The call service moved; reconnecting.",
            `negotiate returned another service URL (${info.url} instead of ${this._url}); the connection will be rebuilt`);
        }
        this._current = info.accessToken;
        this._stale = false;
        return info.accessToken;
      })().finally(() => { this._pending = null; });
    }
    return this._pending;
  }

  _expiringSoon(token) {
    const exp = jwtExpiry(token);
    return exp !== undefined && exp * 1000 - this._marginMs <= this._now();
  }
}

/** Errors from HubConnection.start() are plain Errors; name what the agent can understand. */
function classifyStartError(err) {
  if (err instanceof AdaptorError) return err;
  const detail = err && err.message ? err.message : String(err);
  if (/\b401\b|Unauthorized/i.test(detail)) {
    return new AdaptorError(ErrorKind.TOKEN_EXPIRED, "The call service did not accept the connection; retrying with a fresh sign-in.", detail, { cause: err });
  }
  return new AdaptorError(ErrorKind.NETWORK, "The call service cannot be reached right now; we will keep trying.", detail, { cause: err });
}

async function safeStop(conn) {
  try { await conn.stop(); } catch { /* already closed */ }
}
