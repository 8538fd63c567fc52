// Test doubles shaped like @microsoft/signalr's HubConnection and like a CIF popup.

export class FakeHubConnection {
  constructor({ url, accessTokenFactory, reconnectPolicy, startBehaviour = async () => {} }) {
    Object.assign(this, { url, accessTokenFactory, reconnectPolicy, startBehaviour });
    this.handlers = new Map();
    this.closeCbs = [];
    this.reconnectingCbs = [];
    this.reconnectedCbs = [];
    this.invocations = [];
    this.invokeImpl = async () => ({ status: "recorded" });
    this.state = "Disconnected";
    this.connectionId = null;
    this.tokensSeen = [];
  }
  on(target, fn) {
    this.handlers.set(target.toLowerCase(), fn);
  }
  onclose(fn) {
    this.closeCbs.push(fn);
  }
  onreconnecting(fn) {
    this.reconnectingCbs.push(fn);
  }
  onreconnected(fn) {
    this.reconnectedCbs.push(fn);
  }
  async start() {
    // like the real client: service negotiate and transport each ask the factory
    this.tokensSeen.push(await this.accessTokenFactory());
    this.tokensSeen.push(await this.accessTokenFactory());
    await this.startBehaviour(this);
    this.state = "Connected";
    this.connectionId = `c${Math.random().toString(16).slice(2, 8)}`;
  }
  async stop() {
    const was = this.state;
    this.state = "Disconnected";
    if (was === "Connected" || was === "Reconnecting") this.closeCbs.forEach((cb) => cb(undefined));
  }
  async invoke(method, ...args) {
    this.invocations.push({ method, args });
    return this.invokeImpl(method, ...args);
  }
  /** Server pushes an invocation. */
  push(target, ...args) {
    const h = this.handlers.get(target.toLowerCase());
    if (!h) throw new Error(`no handler for ${target}`);
    h(...args);
  }
  /** Simulates a transport drop followed by the library's automatic reconnect loop. */
  async drop(err = new Error("WebSocket closed with status code: 1006")) {
    this.state = "Reconnecting";
    this.reconnectingCbs.forEach((cb) => cb(err));
    for (let n = 0; ; n++) {
      const delay = this.reconnectPolicy.nextRetryDelayInMilliseconds({
        previousRetryCount: n,
        elapsedMilliseconds: 0,
        retryReason: err,
      });
      if (delay === null) {
        this.state = "Disconnected";
        this.closeCbs.forEach((cb) => cb(err));
        return "closed";
      }
      await new Promise((r) => setTimeout(r, delay));
      try {
        this.tokensSeen.push(await this.accessTokenFactory());
        await this.startBehaviour(this);
        this.state = "Connected";
        this.connectionId = `c${Math.random().toString(16).slice(2, 8)}`; // like the real client: a reconnect is a new connection
        this.reconnectedCbs.forEach((cb) => cb(this.connectionId));
        return "reconnected";
      } catch {
        /* next attempt */
      }
    }
  }
  /** Server closes the connection for good (allowReconnect=false). */
  serverClose(err = new Error("Server returned an error on close: token expired")) {
    this.state = "Disconnected";
    this.closeCbs.forEach((cb) => cb(err));
  }
}

/** A popup whose answer the test chooses; remembers what was shown and cancelled. */
export class FakePopup {
  constructor() {
    this.shown = [];
    this.cancelled = [];
    this._pending = new Map();
  }
  show(notification, options) {
    this.shown.push({ notification, options });
    return new Promise((resolve, reject) =>
      this._pending.set(options.cancellationToken, { resolve, reject, notification }),
    );
  }
  cancel(token) {
    this.cancelled.push(token);
    const p = this._pending.get(token);
    if (p) {
      this._pending.delete(token);
      p.reject(new Error("cancelled"));
    }
  }
  answer(notificationId, action, reason) {
    const token = `cifpipe-${notificationId}`;
    const p = this._pending.get(token);
    if (!p) throw new Error(`no open popup for ${notificationId}`);
    this._pending.delete(token);
    p.resolve({ action, reason });
  }
  isOpen(notificationId) {
    return this._pending.has(`cifpipe-${notificationId}`);
  }
}

/** Polls until fn() is truthy; fails with a message after timeoutMs. */
export async function eventually(fn, { timeoutMs = 5000, intervalMs = 5, message = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function fakeJwt(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}.sig`;
}

export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
