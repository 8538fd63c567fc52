// Registration of the live connection with the presence app (POST userclient), driven by the
// ConnectionManager, with fakes: timing and failure classes. The real client path is in emulator.test.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConnectionManager, ConnectionState, RegistrationStatus } from "../src/core/connection-manager.js";
import { createBackoff } from "../src/core/backoff.js";
import { AdaptorError, ErrorKind } from "../src/core/errors.js";
import { describeStatus, NOT_REGISTERED_LABEL } from "../src/glue/indicator.js";
import { FakeHubConnection, eventually } from "./fakes.js";

/** `answers` is called per registration request: return a result or throw. */
function rig({
  answers = async () => ({ userId: "oid" }),
  getAccessToken,
  backoff = createBackoff({ initialMs: 4, maxMs: 20, random: () => 0.5 }),
} = {}) {
  const log = { tokens: [], requests: [], connections: [], regs: [], warnings: [] };
  const manager = new ConnectionManager({
    getAccessToken:
      getAccessToken ||
      (async ({ forceRefresh }) => {
        log.tokens.push(forceRefresh);
        return `entra-${log.tokens.length}`;
      }),
    negotiate: async () => ({ url: "http://sr/client/?hub=cifhub", accessToken: "sr" }),
    createConnection: (opts) => {
      const c = new FakeHubConnection(opts);
      log.connections.push(c);
      return c;
    },
    registerConnection: async (token, connectionId) => {
      log.requests.push({ token, connectionId, at: Date.now() });
      return answers(log.requests.length, connectionId);
    },
    backoff,
    maxAutoReconnectAttempts: 3,
    logger: { debug() {}, info() {}, warn: (m) => log.warnings.push(String(m)), error() {} },
  });
  manager.onRegistrationChange((r) => log.regs.push(r ? r.status : null));
  return { manager, log };
}

const unavailable = () =>
  Object.assign(
    new AdaptorError(ErrorKind.SERVER, "later", "userclient answered 503 Service Unavailable: retry shortly", {
      status: 503,
    }),
  );

test("after connect: registers in the background with the Entra token and the connectionId; the connection is usable at once", async () => {
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  const { manager, log } = rig({
    answers: async () => {
      await gate;
      return { userId: "oid-alice" };
    },
  });
  await manager.start();
  assert.equal(manager.state, ConnectionState.CONNECTED);
  assert.equal(manager.registration.status, RegistrationStatus.PENDING);
  assert.deepEqual(
    await manager.invoke("decide", { notificationId: "n" }),
    { status: "recorded" },
    "usable while registration is outstanding",
  );
  assert.equal(
    describeStatus(manager.state, manager.registration).colour,
    "green",
    "first try in flight: no amber flicker",
  );
  release();
  await eventually(() => manager.registration?.registered, { message: "registered" });
  assert.deepEqual(
    log.requests.map((r) => [r.token, r.connectionId]),
    [["entra-2", log.connections[0].connectionId]],
  );
  assert.equal(manager.registration.userId, "oid-alice");
  assert.deepEqual(log.regs, ["pending", "registered"]);
  assert.deepEqual(await manager.register(), manager.registration, "registered: register() answers without a request");
  assert.equal(log.requests.length, 1);
  await manager.stop();
  assert.equal(manager.registration, null);
});

test("after an automatic reconnect (new connectionId) it registers again, for the new id", async () => {
  const { manager, log } = rig();
  await manager.start();
  await eventually(() => manager.registration?.registered, { message: "first registration" });
  const first = log.connections[0].connectionId;
  assert.equal(await log.connections[0].drop(), "reconnected");
  await eventually(() => manager.registration?.registered && manager.registration.connectionId !== first, {
    message: "second registration",
  });
  assert.deepEqual(
    log.requests.map((r) => r.connectionId),
    [first, log.connections[0].connectionId],
  );
  assert.deepEqual(log.regs, ["pending", "registered", null, "pending", "registered"]);
  await manager.stop();
});

test("503 is retried with back-off until it succeeds; meanwhile the indicator is amber 'not yet registered'", async () => {
  const { manager, log } = rig({
    answers: async (n) => {
      if (n <= 3) throw unavailable();
      return { userId: "oid" };
    },
  });
  const views = [];
  manager.onRegistrationChange((r) => views.push(describeStatus(manager.state, r)));
  await manager.start();
  await eventually(() => manager.registration?.registered, { message: "registered after retries" });
  assert.equal(log.requests.length, 4);
  assert.equal(manager.registration.attempts, 4);
  assert.deepEqual(log.regs, ["pending", "retrying", "retrying", "retrying", "registered"]);
  const amber = views.filter((v) => v.colour === "amber");
  assert.equal(amber.length, 3);
  assert.equal(amber[0].label, NOT_REGISTERED_LABEL);
  assert.equal(amber[0].registration, "retrying");
  assert.equal(views.at(-1).colour, "green");
  // gaps follow the back-off (random 0.5 → 3, 6, 12 ms)
  const gaps = log.requests.slice(1).map((r, i) => r.at - log.requests[i].at);
  gaps.forEach((g, i) => assert.ok(g >= [3, 6, 12][i] - 1, `gap ${i} = ${g} ms`));
  assert.equal(log.warnings.filter((w) => /registering connection .* failed \(server\)/.test(w)).length, 3);
  await manager.stop();
});

test("Retry-After (when readable) stretches the wait, capped by the back-off maximum", async () => {
  const { manager, log } = rig({
    answers: async (n) => {
      if (n === 1) throw Object.assign(unavailable(), { retryAfterMs: 60_000 });
      return {};
    },
  });
  await manager.start();
  await eventually(() => manager.registration?.status === RegistrationStatus.RETRYING, { message: "retrying" });
  assert.equal(manager.registration.retryInMs, 20, "60 s asked, capped at maxMs");
  await eventually(() => manager.registration?.registered, { message: "registered" });
  assert.equal(log.requests.length, 2);
  await manager.stop();
});

test("401 → the next try asks MSAL for a refreshed token", async () => {
  const { manager, log } = rig({
    answers: async (n) => {
      if (n === 1) throw new AdaptorError(ErrorKind.TOKEN_EXPIRED, "again", "userclient answered 401", { status: 401 });
      return {};
    },
  });
  await manager.start();
  await eventually(() => manager.registration?.registered, { message: "registered" });
  assert.deepEqual(log.tokens, [false, false, true], "connect, first registration, refreshed registration");
  await manager.stop();
});

test("403 problem: one console warning with title and detail, no more tries for that connection; green stays", async () => {
  const forbidden = new AdaptorError(
    ErrorKind.FORBIDDEN,
    "refused",
    "userclient http://fn/api/userclient answered 403 Forbidden: connection does not belong to the signed-in user (urn:cifpipe:problem:not-your-connection)",
    { status: 403 },
  );
  const { manager, log } = rig({
    answers: async () => {
      throw forbidden;
    },
  });
  await manager.start();
  await eventually(() => manager.registration?.status === RegistrationStatus.REJECTED, { message: "rejected" });
  await new Promise((r) => setTimeout(r, 100)); // > 5 back-off periods
  assert.equal(log.requests.length, 1);
  assert.equal(manager.state, ConnectionState.CONNECTED);
  assert.equal(describeStatus(manager.state, manager.registration).colour, "green");
  const warns = log.warnings.filter((w) => /did not register connection/.test(w));
  assert.equal(warns.length, 1);
  assert.match(warns[0], /Forbidden: connection does not belong to the signed-in user/);
  assert.equal(manager.registration.error.kind, ErrorKind.FORBIDDEN);
  await manager.stop();
});

test("sign-in needed while registering: stops retrying (Sign in is shown); start() after sign-in tries again", async () => {
  let needSignIn = false;
  const { manager, log } = rig({
    getAccessToken: async () => {
      if (needSignIn) throw new AdaptorError(ErrorKind.SIGN_IN_REQUIRED, "Please sign in.", "interaction_required");
      return "entra";
    },
  });
  needSignIn = false;
  const started = manager.start();
  needSignIn = true; // the connect already took its token; the registration asks again
  await started;
  await eventually(() => manager.registration?.status === RegistrationStatus.REJECTED, { message: "rejected" });
  assert.equal(manager.registration.error.kind, ErrorKind.SIGN_IN_REQUIRED);
  assert.equal(log.requests.length, 0);
  needSignIn = false;
  await manager.start(); // what the Sign in button does after the popup
  await eventually(() => manager.registration?.registered, { message: "registered after sign-in" });
  assert.equal(manager.state, ConnectionState.CONNECTED);
  await manager.stop();
});

test("no retry storm while the presence app is down: attempts per second bounded by the back-off; stop() cancels", async () => {
  const { manager, log } = rig({
    answers: async () => {
      throw unavailable();
    },
    backoff: createBackoff({ initialMs: 40, maxMs: 160 }),
  });
  await manager.start();
  await new Promise((r) => setTimeout(r, 1000));
  // minimum waits 20, 40, 80, 80, … ms → tries at 0, 20, 60, 140, 220, …, 940 at the very most: 14 in 1 s
  assert.ok(log.requests.length >= 3 && log.requests.length <= 14, `attempts in 1 s: ${log.requests.length}`);
  assert.equal(manager.registration.status, RegistrationStatus.RETRYING);
  await manager.stop();
  const after = log.requests.length;
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(log.requests.length, after, "no attempt after stop()");
  assert.equal(manager.registration, null);
});

test("the connection changing mid-retry starts over for the new connectionId; register() skips the back-off", async () => {
  let failing = true;
  let fast = false; // the fake reconnect and the registration share the back-off: short only for the reconnect
  const { manager, log } = rig({
    answers: async () => {
      if (failing) throw unavailable();
      return { userId: "oid" };
    },
    backoff: { delay: () => (fast ? 2 : 10_000), maxMs: 10_000 },
  });
  await manager.start();
  const firstId = log.connections[0].connectionId;
  await eventually(() => manager.registration?.status === RegistrationStatus.RETRYING, { message: "retrying" });
  assert.equal(manager.registration.retryInMs, 10_000);
  fast = true;
  const dropped = log.connections[0].drop(); // computes its 2 ms reconnect delay now
  fast = false;
  assert.equal(await dropped, "reconnected");
  const secondId = log.connections[0].connectionId;
  assert.notEqual(secondId, firstId);
  await eventually(
    () =>
      manager.registration?.status === RegistrationStatus.RETRYING && manager.registration.connectionId === secondId,
    { message: "retrying for the new id" },
  );
  assert.equal(manager.registration.attempts, 1, "started over");
  assert.deepEqual(
    log.requests.map((r) => r.connectionId),
    [firstId, secondId],
    "the old id is not retried any more",
  );
  failing = false;
  const t0 = Date.now();
  const ok = await manager.register(); // skips the 10 s wait
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(ok.status, RegistrationStatus.REGISTERED);
  assert.equal(ok.connectionId, secondId);
  assert.equal(ok.attempts, 2);
  await manager.stop();
  assert.deepEqual(await manager.register(), {
    connectionId: null,
    status: "not-connected",
    registered: false,
    attempts: 0,
    userId: null,
    error: null,
  });
});
