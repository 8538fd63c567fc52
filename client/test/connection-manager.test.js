import { test } from "node:test";
import assert from "node:assert/strict";
import { ConnectionManager, ConnectionState, NegotiatedTokenSource } from "../src/core/connection-manager.js";
import { createBackoff } from "../src/core/backoff.js";
import { AdaptorError, ErrorKind } from "../src/core/errors.js";
import { FakeHubConnection, eventually, fakeJwt, silentLogger } from "./fakes.js";

/** A manager wired to fakes; records every Entra token request, negotiate and connection. */
function rig({ negotiateImpl, startBehaviour, getAccessToken, maxAutoReconnectAttempts = 2 } = {}) {
  const log = { tokens: [], negotiations: 0, connections: [], states: [] };
  let n = 0;
  const manager = new ConnectionManager({
    getAccessToken:
      getAccessToken ||
      (async ({ forceRefresh }) => {
        log.tokens.push(forceRefresh);
        return `entra-${log.tokens.length}`;
      }),
    negotiate:
      negotiateImpl ||
      (async (entra) => {
        log.negotiations++;
        return { url: "http://sr/client/?hub=cifhub", accessToken: `sr-${++n}-for-${entra}` };
      }),
    createConnection: (opts) => {
      const c = new FakeHubConnection({ ...opts, startBehaviour });
      log.connections.push(c);
      return c;
    },
    backoff: createBackoff({ initialMs: 2, maxMs: 20, random: () => 0.5 }),
    maxAutoReconnectAttempts,
    logger: silentLogger,
  });
  manager.onStateChange((s, info) => log.states.push(info.error ? `${s}!` : s));
  return { manager, log };
}

test("start: token → negotiate → connect → green; the negotiated token is used, no extra negotiation", async () => {
  const { manager, log } = rig();
  await manager.start();
  assert.equal(manager.state, ConnectionState.CONNECTED);
  assert.deepEqual(log.states, ["connecting", "connected"]);
  assert.equal(log.negotiations, 1);
  assert.deepEqual(log.connections[0].tokensSeen, ["sr-1-for-entra-1", "sr-1-for-entra-1"]);
  assert.equal(log.connections[0].url, "http://sr/client/?hub=cifhub");
  await manager.stop();
  assert.equal(manager.state, ConnectionState.DISCONNECTED);
});

test("handlers registered before or after start reach the connection", async () => {
  const { manager, log } = rig();
  const got = [];
  manager.on("notify", (n) => got.push(["notify", n]));
  await manager.start();
  manager.on("withdraw", (w) => got.push(["withdraw", w]));
  log.connections[0].push("notify", { notificationId: "n1" });
  log.connections[0].push("withdraw", { notificationId: "n1" });
  assert.deepEqual(got, [
    ["notify", { notificationId: "n1" }],
    ["withdraw", { notificationId: "n1" }],
  ]);
  await manager.stop();
});

test("automatic reconnect: amber while reconnecting, each attempt re-negotiates with a fresh token, then green", async () => {
  let failNext = 2;
  const { manager, log } = rig({
    maxAutoReconnectAttempts: 5,
    startBehaviour: async () => {
      if (failNext-- > 0 && log.connections[0].state === "Reconnecting") throw new Error("service down");
    },
  });
  await manager.start();
  failNext = 2;
  const outcome = await log.connections[0].drop();
  assert.equal(outcome, "reconnected");
  assert.equal(manager.state, ConnectionState.CONNECTED);
  assert.deepEqual(log.states, ["connecting", "connected", "reconnecting!", "connected"]);
  // initial negotiate + one per reconnect attempt (3 attempts: two failed, one succeeded)
  assert.equal(log.negotiations, 4);
  assert.deepEqual(log.connections[0].tokensSeen.slice(2), [
    "sr-2-for-entra-2",
    "sr-3-for-entra-3",
    "sr-4-for-entra-4",
  ]);
  assert.equal(log.connections.length, 1, "same HubConnection kept");
  await manager.stop();
});

test("when automatic reconnect gives up, a new connection is built after back-off", async () => {
  let down = true;
  const { manager, log } = rig({
    maxAutoReconnectAttempts: 2,
    startBehaviour: async (c) => {
      if (down && c.state === "Reconnecting") throw new Error("service down");
    },
  });
  await manager.start();
  const outcome = await log.connections[0].drop();
  assert.equal(outcome, "closed");
  await eventually(() => manager.state === ConnectionState.CONNECTED && log.connections.length === 2, {
    message: "rebuilt connection",
  });
  assert.equal(log.connections[1].state, "Connected");
  assert.ok(log.states.includes("reconnecting!"));
  assert.equal(log.states.at(-1), "connected");
  await manager.stop();
});

test("server close for good (e.g. token expired) → reconnecting → fresh negotiate → green", async () => {
  const { manager, log } = rig();
  await manager.start();
  log.connections[0].serverClose(
    new Error("Server returned an error on close: Connection closed with an error. token expired"),
  );
  await eventually(() => log.connections.length === 2 && manager.state === ConnectionState.CONNECTED, {
    message: "reconnected after close",
  });
  assert.equal(log.negotiations, 2);
  assert.deepEqual(log.connections[1].tokensSeen, ["sr-2-for-entra-2", "sr-2-for-entra-2"]);
  assert.deepEqual(log.states, ["connecting", "connected", "reconnecting!", "connected"]);
  await manager.stop();
});

test("initial failures retry with back-off and stay amber; 401 forces a token refresh", async () => {
  let calls = 0;
  const { manager, log } = rig({
    negotiateImpl: async (entra) => {
      calls++;
      if (calls === 1) throw new AdaptorError(ErrorKind.NETWORK, "unreachable", "ECONNREFUSED");
      if (calls === 2) throw new AdaptorError(ErrorKind.TOKEN_EXPIRED, "rejected", "401");
      return { url: "http://sr/client/?hub=h", accessToken: `sr-for-${entra}` };
    },
  });
  await manager.start();
  assert.equal(manager.state, ConnectionState.CONNECTING);
  assert.equal(manager.lastError.kind, ErrorKind.NETWORK);
  await eventually(() => manager.state === ConnectionState.CONNECTED, { message: "connected after retries" });
  assert.deepEqual(log.tokens, [false, false, true], "third attempt asked MSAL for a refreshed token");
  assert.deepEqual(log.states, ["connecting", "connecting!", "connecting!", "connected"]);
  await manager.stop();
});

test("sign-in required, forbidden and bad configuration stop retrying and show gray", async () => {
  for (const kind of [ErrorKind.SIGN_IN_REQUIRED, ErrorKind.FORBIDDEN, ErrorKind.CONFIG]) {
    const { manager, log } = rig({
      getAccessToken: async () => {
        throw new AdaptorError(kind, "do something", "detail");
      },
    });
    await manager.start();
    assert.equal(manager.state, ConnectionState.DISCONNECTED, kind);
    assert.equal(manager.lastError.kind, kind);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(log.connections.length, 0);
    assert.deepEqual(log.states, ["connecting", "disconnected!"]);
  }
});

test("a start() failure thrown by the SignalR client (401 on the service) is retried with a refreshed token", async () => {
  let starts = 0;
  const { manager, log } = rig({
    startBehaviour: async () => {
      if (starts++ === 0)
        throw new Error("Failed to complete negotiation with the server: Error: Unauthorized: Status code '401'");
    },
  });
  await manager.start();
  assert.equal(manager.lastError.kind, ErrorKind.TOKEN_EXPIRED);
  await eventually(() => manager.state === ConnectionState.CONNECTED, { message: "connected" });
  assert.deepEqual(log.tokens, [false, true]);
  await manager.stop();
});

test("stop() during a pending retry cancels it; invoke while disconnected fails in plain words", async () => {
  const { manager, log } = rig({
    negotiateImpl: async () => {
      throw new AdaptorError(ErrorKind.SERVER, "down", "503");
    },
  });
  await manager.start();
  await manager.stop();
  const before = log.tokens.length;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(log.tokens.length, before, "no attempt after stop");
  const err = await manager.invoke("decide", {}).catch((e) => e);
  assert.equal(err.kind, ErrorKind.NETWORK);
  assert.match(err.userMessage, /not connected/);
});

test("invoke and waitForConnected", async () => {
  const { manager, log } = rig();
  const waiting = manager.waitForConnected(2000);
  await manager.start();
  await waiting;
  const result = await manager.invoke("decide", { notificationId: "n1", decision: "accept", reason: null });
  assert.deepEqual(result, { status: "recorded" });
  assert.deepEqual(log.connections[0].invocations, [
    { method: "decide", args: [{ notificationId: "n1", decision: "accept", reason: null }] },
  ]);
  await manager.stop();
  await assert.rejects(manager.waitForConnected(20), /not connected within 20 ms/);
});

test("token source: reuses the token, re-negotiates after invalidate() or near expiry, detects a moved endpoint", async () => {
  let now = 1_000_000;
  let n = 0;
  let url = "http://sr/a";
  const src = new NegotiatedTokenSource({
    initial: { url: "http://sr/a", accessToken: fakeJwt({ exp: now / 1000 + 3600 }) },
    renegotiate: async () => ({ url, accessToken: fakeJwt({ exp: now / 1000 + 3600, n: ++n }) }),
    now: () => now,
    marginMs: 60_000,
  });
  const t0 = await src.get();
  assert.equal(await src.get(), t0);
  src.invalidate();
  const [a, b] = await Promise.all([src.get(), src.get()]);
  assert.equal(a, b, "concurrent callers share one negotiation");
  assert.equal(src.negotiations, 1);
  now += 3600_000 - 30_000; // inside the refresh margin
  const c = await src.get();
  assert.notEqual(c, a);
  assert.equal(src.negotiations, 2);
  url = "http://sr/b";
  src.invalidate();
  await assert.rejects(src.get(), /another service URL/);
  assert.equal(src.endpointChanged, true);
});

test("retryNow skips the back-off wait (browser back online)", async () => {
  let down = true;
  const manager = new ConnectionManager({
    getAccessToken: async () => "entra",
    negotiate: async () => {
      if (down) throw new AdaptorError(ErrorKind.NETWORK, "offline", "Failed to fetch");
      return { url: "http://sr/c", accessToken: "t" };
    },
    createConnection: (o) => new FakeHubConnection(o),
    backoff: createBackoff({ initialMs: 60_000, maxMs: 60_000 }),
    logger: silentLogger,
  });
  assert.equal(manager.retryNow(), false, "nothing scheduled yet");
  await manager.start();
  assert.equal(manager.state, ConnectionState.CONNECTING);
  down = false;
  assert.equal(manager.retryNow(), true);
  await manager.waitForConnected(2000);
  await manager.stop();
});
