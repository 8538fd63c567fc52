// The connection state machine with the REAL @microsoft/signalr client against the project's SignalR
// emulator (a separate JVM process on a free port) and a stand-in presence app.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConnectionManager, ConnectionState } from "../src/core/connection-manager.js";
import { NotificationDesk } from "../src/core/notification-desk.js";
import { createBackoff } from "../src/core/backoff.js";
import { negotiate } from "../src/core/negotiate.js";
import { registerConnection } from "../src/core/register-client.js";
import { RegistrationStatus } from "../src/core/connection-manager.js";
import { METHOD_DECIDE, TARGET_DECIDED, TARGET_NOTIFY, TARGET_WITHDRAW } from "../src/core/names.js";
import { createHubConnection } from "../src/glue/signalr-connection.js";
import { FakePopup, eventually, silentLogger } from "./fakes.js";
import { randomAccessKey, sendToUser, startEmulator, startPresenceStandIn } from "./support/emulator.js";

const HUB = "cifhub";

function notification(id, ringMs = 30_000) {
  return {
    notificationId: id,
    callId: `call-${id}`,
    agentId: "alice",
    callerNumber: "+4930123",
    callerName: "Grace Hopper",
    calledNumber: "+4930999",
    queue: "Sales",
    customerContext: { account: "ACME" },
    offeredAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + ringMs).toISOString(),
  };
}

/** An agent tab: manager + desk wired as the browser adaptor wires them, with the real SignalR client. */
function agentTab(presence, userId) {
  const popup = new FakePopup();
  const states = [];
  const decisions = [];
  const warnings = [];
  const registrations = [];
  const manager = new ConnectionManager({
    getAccessToken: async () => `entra:${userId}`,
    negotiate: (accessToken) => negotiate({ functionUrl: presence.baseUrl, accessToken }),
    registerConnection: (accessToken, connectionId) =>
      registerConnection({ functionUrl: presence.baseUrl, accessToken, connectionId }),
    createConnection: (o) => createHubConnection({ ...o, logLevel: 6 /* None */ }),
    backoff: createBackoff({ initialMs: 200, maxMs: 1000 }),
    maxAutoReconnectAttempts: 3,
    logger: { ...silentLogger, warn: (m) => warnings.push(String(m)) },
  });
  manager.onRegistrationChange((r) => registrations.push(r && { connectionId: r.connectionId, status: r.status }));
  const desk = new NotificationDesk({
    popup,
    invokeDecide: async (d) => {
      decisions.push(d);
      return manager.invoke(METHOD_DECIDE, d);
    },
    waitForConnected: (ms) => manager.waitForConnected(ms),
    logger: silentLogger,
  });
  manager.on(TARGET_NOTIFY, (n) => desk.onNotify(n));
  manager.on(TARGET_WITHDRAW, (w) => desk.onWithdraw(w));
  manager.on(TARGET_DECIDED, (d) => desk.onDecided(d));
  manager.onStateChange((s) => states.push(s));
  return {
    manager,
    desk,
    popup,
    states,
    decisions,
    warnings,
    registrations,
    async close() {
      desk.dispose();
      await manager.stop();
    },
  };
}

describe("with the SignalR emulator", { timeout: 120_000 }, () => {
  let emulator;
  let presence;
  const decided = new Map();

  before(async () => {
    presence = await startPresenceStandIn({
      hub: HUB,
      tokenLifetimes: [-120], // the very first negotiate hands out an already expired SignalR token
      decideHandler: async ({ userId, args }) => {
        const [{ notificationId, decision }] = args;
        if (decided.has(notificationId))
          return { notificationId, status: "already-decided", outcome: decided.get(notificationId) };
        decided.set(notificationId, decision);
        return {
          notificationId,
          status: "recorded",
          outcome: decision === "accept" ? "Accepted" : "Rejected",
          by: userId,
        };
      },
    });
    emulator = await startEmulator({ accessKey: randomAccessKey(), upstream: presence.upstreamUrl });
    presence.bind(emulator);
  });

  after(async () => {
    await emulator?.stop();
    await presence?.close();
  });

  test("expired SignalR token → 401 from the service → fresh negotiate → connected (green)", async () => {
    const tab = agentTab(presence, "alice");
    try {
      await tab.manager.start();
      await tab.manager.waitForConnected(15_000);
      assert.equal(presence.state.negotiations.length, 2, "negotiated again after the expired token was refused");
      assert.equal(tab.manager.state, ConnectionState.CONNECTED);
      assert.ok(tab.states.includes(ConnectionState.CONNECTING));
      await eventually(() => presence.state.upstream.some((u) => u.event === "connected" && u.userId === "alice"), {
        message: "connected upstream event",
      });
    } finally {
      await tab.close();
    }
  });

  test("notify pops once (duplicates ignored), Accept → decide via upstream → recorded; withdraw and decided close popups", async () => {
    const tab = agentTab(presence, "alice");
    try {
      await tab.manager.start();
      await tab.manager.waitForConnected(15_000);
      const n = notification("n-accept");
      await sendToUser(emulator, HUB, "alice", TARGET_NOTIFY, [n]);
      await sendToUser(emulator, HUB, "alice", TARGET_NOTIFY, [n]);
      await eventually(() => tab.popup.isOpen("n-accept"), { message: "popup shown" });
      assert.equal(tab.popup.shown[0].notification.callerName, "Grace Hopper");
      assert.ok(tab.popup.shown[0].options.remainingMs > 25_000);
      tab.popup.answer("n-accept", "accept", "Accept");
      const result = await tab.desk.settled("n-accept");
      assert.equal(result.status, "recorded");
      assert.equal(result.by, "alice", "the upstream saw the user id bound at negotiate");
      assert.deepEqual(tab.decisions, [{ notificationId: "n-accept", decision: "accept", reason: "Accept" }]);
      await sendToUser(emulator, HUB, "alice", TARGET_NOTIFY, [n]); // replay after decision
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(tab.popup.shown.length, 1, "duplicate notify never showed a second popup");

      await sendToUser(emulator, HUB, "alice", TARGET_NOTIFY, [notification("n-withdrawn")]);
      await eventually(() => tab.popup.isOpen("n-withdrawn"), { message: "second popup" });
      await sendToUser(emulator, HUB, "alice", TARGET_WITHDRAW, [
        { notificationId: "n-withdrawn", reason: "answered" },
      ]);
      await eventually(() => tab.desk.stateOf("n-withdrawn") === "withdrawn", { message: "withdrawn" });
      assert.ok(tab.popup.cancelled.includes("cifpipe-n-withdrawn"));

      await sendToUser(emulator, HUB, "alice", TARGET_NOTIFY, [notification("n-other-tab")]);
      await eventually(() => tab.popup.isOpen("n-other-tab"), { message: "third popup" });
      await sendToUser(emulator, HUB, "alice", TARGET_DECIDED, [{ notificationId: "n-other-tab" }]);
      await eventually(() => tab.desk.stateOf("n-other-tab") === "closed", { message: "closed by decided" });
    } finally {
      await tab.close();
    }
  });

  test("two tabs: the second Accept gets already-decided", async () => {
    const a = agentTab(presence, "bob");
    const b = agentTab(presence, "bob");
    try {
      await Promise.all([a.manager.start(), b.manager.start()]);
      await Promise.all([a.manager.waitForConnected(15_000), b.manager.waitForConnected(15_000)]);
      await sendToUser(emulator, HUB, "bob", TARGET_NOTIFY, [notification("n-race")]);
      await eventually(() => a.popup.isOpen("n-race") && b.popup.isOpen("n-race"), { message: "both tabs pop" });
      a.popup.answer("n-race", "accept");
      assert.equal((await a.desk.settled("n-race")).status, "recorded");
      b.popup.answer("n-race", "accept");
      assert.equal((await b.desk.settled("n-race")).status, "already-decided");
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("emulator restart: amber while it is gone, green again on the same port, new calls pop", async () => {
    const tab = agentTab(presence, "carol");
    try {
      await tab.manager.start();
      await tab.manager.waitForConnected(15_000);
      await eventually(() => tab.manager.registration?.registered, { message: "first connection registered" });
      const firstId = tab.manager.connectionId;
      const negotiationsBefore = presence.state.negotiations.length;
      const port = emulator.port;
      await emulator.stop();
      await eventually(() => tab.manager.state === ConnectionState.RECONNECTING, {
        timeoutMs: 35_000,
        message: "reconnecting after the service went away",
      });
      emulator = await startEmulator({ port, accessKey: emulator.accessKey, upstream: presence.upstreamUrl });
      presence.bind(emulator);
      await tab.manager.waitForConnected(40_000);
      assert.ok(
        presence.state.negotiations.length > negotiationsBefore,
        "reconnect re-negotiated with the presence app",
      );
      await sendToUser(emulator, HUB, "carol", TARGET_NOTIFY, [notification("n-after-restart")]);
      await eventually(() => tab.popup.isOpen("n-after-restart"), { message: "popup after restart" });
      tab.popup.answer("n-after-restart", "reject", "DeclinedByAgent");
      assert.equal((await tab.desk.settled("n-after-restart")).status, "recorded");
      assert.deepEqual(tab.states.slice(-2), [ConnectionState.RECONNECTING, ConnectionState.CONNECTED]);
      // the new connection registered itself too (a lost `connected` event during the restart cannot hide carol)
      await eventually(() => tab.manager.registration?.registered, { message: "reconnected connection registered" });
      const secondId = tab.manager.connectionId;
      assert.notEqual(secondId, firstId);
      const carol = presence.state.registrations
        .filter((r) => r.userId === "carol" && r.status === 200)
        .map((r) => r.connectionId);
      assert.deepEqual(carol, [firstId, secondId]);
    } finally {
      await tab.close();
    }
  });

  describe("registration with the presence app (POST userclient)", () => {
    const byUser = (userId) => presence.state.registrations.filter((r) => r.userId === userId);

    test("after connect: POST /api/userclient {connectionId} with the bearer token, for the id the service knows", async () => {
      presence.setUserclientHandler(null);
      const tab = agentTab(presence, "dave");
      try {
        await tab.manager.start();
        assert.equal(tab.manager.state, ConnectionState.CONNECTED);
        await eventually(() => tab.manager.registration?.registered, { message: "registered" });
        const id = tab.manager.connectionId;
        const [r] = byUser("dave");
        assert.equal(r.connectionId, id);
        assert.equal(r.contentType, "application/json");
        assert.deepEqual(JSON.parse(r.body), { connectionId: id });
        assert.equal(tab.manager.registration.userId, "dave");
        await eventually(() => presence.state.upstream.some((u) => u.event === "connected" && u.userId === "dave"), {
          message: "connected event",
        });
        assert.equal(
          presence.state.upstream.find((u) => u.event === "connected" && u.userId === "dave").connectionId,
          id,
          "the client registers the connection id SignalR Service assigned",
        );
        await sendToUser(emulator, HUB, "dave", TARGET_NOTIFY, [notification("n-dave")]);
        await eventually(() => tab.popup.isOpen("n-dave"), { message: "popup" });
      } finally {
        await tab.close();
      }
    });

    test("503 is retried with back-off until it succeeds; 'retrying' shows meanwhile", async () => {
      presence.setUserclientHandler(({ userId, attempt }) =>
        userId === "erin" && attempt <= 2
          ? {
              status: 503,
              body: { type: "urn:cifpipe:problem:unavailable", title: "Service Unavailable", detail: "retry shortly" },
            }
          : null,
      );
      const tab = agentTab(presence, "erin");
      try {
        await tab.manager.start();
        await eventually(() => tab.manager.registration?.registered, {
          timeoutMs: 10_000,
          message: "registered after 503s",
        });
        assert.deepEqual(
          byUser("erin").map((r) => r.status),
          [503, 503, 200],
        );
        assert.deepEqual(
          tab.registrations.map((r) => r && r.status),
          ["pending", "retrying", "retrying", "registered"],
        );
        assert.equal(tab.manager.registration.attempts, 3);
        const at = byUser("erin").map((r) => r.at);
        assert.ok(
          at[1] - at[0] >= 90 && at[2] - at[1] >= 190,
          `back-off between tries: ${at[1] - at[0]} ms, ${at[2] - at[1]} ms`,
        );
      } finally {
        await tab.close();
      }
    });

    test("presence keeps answering 503: tries bounded by the back-off (no storm); stop() cancels", async () => {
      presence.setUserclientHandler(({ userId }) =>
        userId === "frank" ? { status: 503, body: { title: "Service Unavailable" } } : null,
      );
      const tab = agentTab(presence, "frank");
      try {
        await tab.manager.start();
        await eventually(() => byUser("frank").length >= 1, { message: "first try" });
        const t0 = byUser("frank")[0].at;
        await new Promise((r) => setTimeout(r, 1500));
        const inWindow = byUser("frank").filter((r) => r.at - t0 <= 1500).length;
        // back-off 200 ms doubling to 1 s, equal jitter: minimum waits 100, 200, 400, 500 ms → at most 5 tries in 1.5 s
        assert.ok(inWindow >= 2 && inWindow <= 5, `tries in 1.5 s: ${inWindow}`);
        assert.equal(tab.manager.registration.status, RegistrationStatus.RETRYING);
        assert.equal(tab.manager.state, ConnectionState.CONNECTED, "the connection itself stays up");
        await tab.manager.stop();
        const stopped = byUser("frank").length;
        await new Promise((r) => setTimeout(r, 1200));
        assert.equal(byUser("frank").length, stopped, "no try after stop()");
      } finally {
        await tab.close();
      }
    });

    test("403 problem: a console warning with its title and detail, no retry for that connection", async () => {
      presence.setUserclientHandler(({ userId }) =>
        userId === "grace"
          ? {
              status: 403,
              body: {
                type: "urn:cifpipe:problem:not-your-connection",
                title: "Forbidden",
                detail: "connection does not belong to the signed-in user",
              },
            }
          : null,
      );
      const tab = agentTab(presence, "grace");
      try {
        await tab.manager.start();
        await eventually(() => tab.manager.registration?.status === RegistrationStatus.REJECTED, {
          message: "rejected",
        });
        await new Promise((r) => setTimeout(r, 800)); // several back-off periods
        assert.equal(byUser("grace").length, 1);
        const warn = tab.warnings.find((w) => /did not register connection/.test(w));
        assert.ok(warn, tab.warnings.join("\n"));
        assert.match(warn, /403 Forbidden: connection does not belong to the signed-in user/);
        assert.equal(tab.manager.state, ConnectionState.CONNECTED);
      } finally {
        await tab.close();
      }
    });
  });
});
