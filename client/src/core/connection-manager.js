import { createBackoff } from "./backoff.js";
import { AdaptorError, ErrorKind, toAdaptorError } from "./errors.js";
import { jwtExpiry } from "./negotiate.js";

export const ConnectionState = Object.freeze({
  DISCONNECTED: "disconnected", // gray: not connected and not trying (stopped, sign-in needed, configuration wrong)
  CONNECTING: "connecting", // amber: first connection under way
  CONNECTED: "connected", // green
  RECONNECTING: "reconnecting", // amber: lost it, trying again with back-off
});

/** Whether the presence app has confirmed the live connection (POST userclient); see ConnectionManager#registration. */
export const RegistrationStatus = Object.freeze({
  PENDING: "pending", // first attempt under way (the connection is already usable)
  RETRYING: "retrying", // an attempt failed; next one after back-off (indicator: amber "not yet registered")
  REGISTERED: "registered", // the presence app knows this connection: calls can reach it
  REJECTED: "rejected", // refused (403 / other 4xx / sign-in needed): no more tries for this connection
  NOT_CONNECTED: "not-connected", // only in register() answers: there is no live connection to register
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
 *
 * With `registerConnection`, every connect and reconnect (each has a new connectionId) is also
 * registered with the presence app in the background, retried with the same back-off until it
 * succeeds, the connection changes (start over for the new id) or stop().
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
   * @param {(accessToken: string, connectionId: string) => Promise<{userId?: string|null}>} [deps.registerConnection]
   *        registers the live connection with the presence app (POST userclient); omitted: no registration
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
    registerConnection = null,
  }) {
    if (
      typeof getAccessToken !== "function" ||
      typeof negotiate !== "function" ||
      typeof createConnection !== "function"
    ) {
      throw new TypeError("ConnectionManager needs getAccessToken, negotiate and createConnection functions");
    }
    Object.assign(this, {
      _getAccessToken: getAccessToken,
      _negotiate: negotiate,
      _createConnection: createConnection,
    });
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
    this._generation = 0; // bumps on stop(): stale attempts and timers see it and quit
    this._attempt = 0; // consecutive failed attempts (back-off exponent)
    this._retryTimer = null;
    this._everConnected = false;
    this._forceTokenRefresh = false;
    this.lastError = null;
    this._registerConnection = typeof registerConnection === "function" ? registerConnection : null;
    this._reg = null; // registration of the live connection (see _beginRegistration)
    this._regListeners = new Set();
  }

  get state() {
    return this._state;
  }
  get connectionId() {
    return this._conn ? this._conn.connectionId : null;
  }
  /** True between start() and stop() (or a stop for sign-in/forbidden/configuration). */
  get running() {
    return this._running;
  }

  /**
   * Registration of the live connection with the presence app, or null (not connected, or no
   * registerConnection dependency): {connectionId, status (RegistrationStatus), registered, attempts,
   * userId, error (AdaptorError|null), retryInMs?}.
   */
  get registration() {
    return this._reg ? snapshot(this._reg) : null;
  }

  /** Subscribes to registration changes: fn(registration|null). Returns an unsubscribe function. */
  onRegistrationChange(fn) {
    this._regListeners.add(fn);
    return () => this._regListeners.delete(fn);
  }

  /**
   * Registers the live connection now and resolves with the outcome of that attempt (the registration
   * snapshot). Already registered: resolves at once, no request. Retrying or refused: tries again at
   * once (back-off skipped). Not connected: {status: "not-connected"}.
   */
  register() {
    const reg = this._reg;
    if (!reg) return Promise.resolve(notConnected(this.connectionId));
    if (reg.status === RegistrationStatus.REGISTERED) return Promise.resolve(snapshot(reg));
    const settled = new Promise((resolve) => reg.waiters.push(resolve));
    if (!reg.inFlight) this._kickRegistration(reg);
    return settled;
  }

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
    if (this._running) {
      // already connected or trying: an explicit (re)start (e.g. after sign-in) retries a stalled registration now
      if (this._reg && this._reg.status !== RegistrationStatus.REGISTERED && !this._reg.inFlight)
        this._kickRegistration(this._reg);
      return;
    }
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
    if (this._retryTimer) {
      clearTimeout(this._retryTimer);
      this._retryTimer = null;
    }
    this._endRegistration();
    const conns = [this._conn, this._starting].filter(Boolean);
    this._conn = null;
    this._starting = null;
    for (const conn of conns) {
      try {
        await conn.stop();
      } catch (err) {
        this._log.debug("stop failed", err);
      }
    }
    this._setState(ConnectionState.DISCONNECTED);
  }

  /** Skips the back-off wait of a scheduled retry (the browser came back online, the agent asked). */
  retryNow() {
    const reg = this._reg;
    if (this._running && reg && reg.timer) {
      this._kickRegistration(reg);
      return true;
    }
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
      throw new AdaptorError(
        ErrorKind.NETWORK,
        "You are not connected to the call service right now.",
        `invoke ${method} while ${this._state}`,
      );
    }
    return conn.invoke(method, ...args);
  }

  /** Resolves when connected (at once if already), rejects after timeoutMs or when stopped. */
  waitForConnected(timeoutMs) {
    if (this._state === ConnectionState.CONNECTED) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          off();
          reject(new Error(`not connected within ${timeoutMs} ms`));
        },
        Math.max(0, timeoutMs),
      );
      const off = this.onStateChange((state) => {
        if (state === ConnectionState.CONNECTED) {
          clearTimeout(timer);
          off();
          resolve();
        } else if (!this._running) {
          clearTimeout(timer);
          off();
          reject(new Error("connection stopped"));
        }
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
        try {
          fn(state, info);
        } catch (err) {
          this._log.error("state listener failed", err);
        }
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
        this._endRegistration(); // that connectionId is gone; the reconnected one gets its own
        this._log.warn(`SignalR connection lost; reconnecting${err ? `: ${err.message}` : ""}`);
        this._setState(ConnectionState.RECONNECTING, {
          error: err ? toAdaptorError(err, "The connection to the call service dropped; reconnecting.") : undefined,
        });
      });
      conn.onreconnected(() => {
        if (conn !== this._conn) return;
        this._attempt = 0;
        this._setState(ConnectionState.CONNECTED);
        this._beginRegistration(conn);
      });
      conn.onclose((err) => this._onClosed(conn, err, gen));
      this._starting = conn;
      await conn.start();
      this._starting = null;
      if (gen !== this._generation) {
        await safeStop(conn);
        return;
      }
      this._conn = conn;
      this._attempt = 0;
      this._everConnected = true;
      this._setState(ConnectionState.CONNECTED);
      this._beginRegistration(conn);
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
    this._endRegistration();
    const error = err ? toAdaptorError(err, "The connection to the call service closed; reconnecting.") : undefined;
    this._log.warn(`SignalR connection closed; building a new one${err ? `: ${err.message}` : ""}`);
    this._scheduleRetry(gen, error);
  }

  _onAttemptFailed(error, gen) {
    this._log.error(`connect attempt failed (${error.kind}): ${error.message}`, error.cause || "");
    if (
      error.kind === ErrorKind.SIGN_IN_REQUIRED ||
      error.kind === ErrorKind.CONFIG ||
      error.kind === ErrorKind.FORBIDDEN
    ) {
      // Retrying cannot help until the agent signs in or the administrator fixes something.
      this._running = false;
      this._setState(ConnectionState.DISCONNECTED, { error });
      return;
    }
    if (error.kind === ErrorKind.TOKEN_EXPIRED) this._forceTokenRefresh = true;
    this._scheduleRetry(gen, error);
  }

  // ---- registration of the live connection with the presence app (POST userclient) ----

  /** Starts over for the connection's current connectionId; runs in the background (the connection is usable now). */
  _beginRegistration(conn) {
    this._endRegistration();
    if (!this._registerConnection || !conn.connectionId) return;
    const reg = {
      conn,
      connectionId: conn.connectionId,
      status: RegistrationStatus.PENDING,
      attempts: 0,
      failures: 0,
      userId: null,
      error: null,
      retryInMs: undefined,
      forceRefresh: false,
      timer: null,
      inFlight: false,
      waiters: [],
    };
    this._reg = reg;
    this._emitRegistration();
    this._registerAttempt(reg);
  }

  /** Cancels the registration of the connection that just ended (stop, drop, close); its waiters learn so. */
  _endRegistration() {
    const reg = this._reg;
    if (!reg) return;
    this._reg = null;
    if (reg.timer) {
      clearTimeout(reg.timer);
      reg.timer = null;
    }
    const answer = notConnected(null);
    for (const w of reg.waiters.splice(0)) w(answer);
    this._emitRegistration();
  }

  _kickRegistration(reg) {
    if (reg.timer) {
      clearTimeout(reg.timer);
      reg.timer = null;
    }
    this._registerAttempt(reg);
  }

  _isCurrent(reg) {
    return reg === this._reg && this._running && this._conn === reg.conn && reg.conn.connectionId === reg.connectionId;
  }

  async _registerAttempt(reg) {
    reg.timer = null;
    if (!this._isCurrent(reg) || reg.inFlight) return;
    reg.inFlight = true;
    reg.attempts++;
    try {
      const entraToken = await this._getAccessToken({ forceRefresh: reg.forceRefresh });
      if (!this._isCurrent(reg)) return;
      const result = await this._registerConnection(entraToken, reg.connectionId);
      if (!this._isCurrent(reg)) return;
      reg.forceRefresh = false;
      reg.status = RegistrationStatus.REGISTERED;
      reg.userId = result && typeof result.userId === "string" ? result.userId : null;
      reg.error = null;
      reg.retryInMs = undefined;
      this._log.info(
        `connection ${reg.connectionId} registered for calls${reg.attempts > 1 ? ` (attempt ${reg.attempts})` : ""}`,
      );
    } catch (err) {
      if (!this._isCurrent(reg)) return;
      const error = toAdaptorError(err, "The call service could not register this window yet; we will keep trying.");
      reg.error = error;
      if (error.retryable) {
        if (error.kind === ErrorKind.TOKEN_EXPIRED) reg.forceRefresh = true; // 401: ask MSAL for a fresh token
        const backoff = this._backoff.delay(reg.failures++);
        const serverAsked =
          error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, this._backoff.maxMs ?? 30_000) : 0;
        const delay = Math.max(backoff, serverAsked);
        reg.status = RegistrationStatus.RETRYING;
        reg.retryInMs = delay;
        this._log.warn(
          `registering connection ${reg.connectionId} for calls failed (${error.kind}): ${error.message}; next try in ${delay} ms`,
        );
        reg.timer = setTimeout(() => this._registerAttempt(reg), delay);
      } else {
        reg.status = RegistrationStatus.REJECTED;
        reg.retryInMs = undefined;
        this._log.warn(
          `the call service did not register connection ${reg.connectionId} for calls (${error.kind}): ${error.message}. ` +
            "Not retrying for this connection; calls reach it only if the service recorded it by itself.",
        );
      }
    } finally {
      reg.inFlight = false;
    }
    this._emitRegistration();
    const answer = snapshot(reg);
    for (const w of reg.waiters.splice(0)) w(answer);
  }

  _emitRegistration() {
    const reg = this.registration;
    for (const fn of [...this._regListeners]) {
      try {
        fn(reg);
      } catch (err) {
        this._log.error("registration listener failed", err);
      }
    }
  }

  _scheduleRetry(gen, error) {
    const delay = this._backoff.delay(this._attempt++);
    this._setState(this._everConnected ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING, {
      error,
      retryInMs: delay,
    });
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

  invalidate() {
    this._stale = true;
  }

  async get() {
    if (this._current && !this._stale && !this._expiringSoon(this._current)) return this._current;
    if (!this._pending) {
      this._pending = (async () => {
        const info = await this._renegotiate();
        this.negotiations++;
        if (info.url !== this._url) {
          this.endpointChanged = true;
          throw new AdaptorError(
            ErrorKind.SERVER,
            "The call service moved; reconnecting.",
            `negotiate returned another service URL (${info.url} instead of ${this._url}); the connection will be rebuilt`,
          );
        }
        this._current = info.accessToken;
        this._stale = false;
        return info.accessToken;
      })().finally(() => {
        this._pending = null;
      });
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
    return new AdaptorError(
      ErrorKind.TOKEN_EXPIRED,
      "The call service did not accept the connection; retrying with a fresh sign-in.",
      detail,
      { cause: err },
    );
  }
  return new AdaptorError(
    ErrorKind.NETWORK,
    "The call service cannot be reached right now; we will keep trying.",
    detail,
    { cause: err },
  );
}

function snapshot(reg) {
  const s = {
    connectionId: reg.connectionId,
    status: reg.status,
    registered: reg.status === RegistrationStatus.REGISTERED,
    attempts: reg.attempts,
    userId: reg.userId,
    error: reg.error,
  };
  if (reg.retryInMs !== undefined) s.retryInMs = reg.retryInMs;
  return s;
}

function notConnected(connectionId) {
  return {
    connectionId,
    status: RegistrationStatus.NOT_CONNECTED,
    registered: false,
    attempts: 0,
    userId: null,
    error: null,
  };
}

async function safeStop(conn) {
  try {
    await conn.stop();
  } catch {
    /* already closed */
  }
}
