// The connection state machine with the REAL @microsoft/signalr client against the project's SignalR
// emulator (a separate JVM process on a free port) and a stand-in presence app.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConnectionManager, ConnectionState } from "../src/core/connection-manager.js";
import { NotificationDesk } from "../src/core/notification-desk.js";
import { createBackoff } from "../src/core/backoff.js";
import { negotiate } from "../src/core/negotiate.js";
import { METHOD_DECIDE, TARGET_DECIDED, TARGET_NOTIFY, TARGET_WITHDRAW } from "../src/core/names.js";
import { createHubConnection } from "../src/glue/signalr-connection.js";
import { FakePopup, eventually, silentLogger } from "./fakes.js";
import { randomAccessKey, sendToUser, startEmulator, startPresenceStandIn } from "./support/emulator.js";

const HUB = "cifhub";

function notification(id, ringMs = 30_000) {
  return {
    notificationId: id, callId: `call-${id}`, agentId: "alice", callerNumber: "+4930123", callerName: "Grace Hopper",
    calledNumber: "+4930999", queue: "Sales", customerContext: { account: "ACME" },
    offeredAt: new Date().toISOString(), expiresAt: new Date(Date.now() + ringMs).toISOString(),
  };
}

/** An agent tab: manager + desk wired as the browser adaptor wires them, with the real SignalR client. */
function agentTab(presence, userId) {
  const popup = new FakePopup();
  const states = [];
  const decisions = [];
  const manager = new ConnectionManager({
    getAccessToken: async () => `entra:${userId}`,
    negotiate: (accessToken) => negotiate({ functionUrl: presence.baseUrl, accessToken }),
    createConnection: (o) => createHubConnection({ ...o, logLevel: 6 /* None */ }),
    backoff: createBackoff({ initialMs: 200, maxMs: 1000 }),
    maxAutoReconnectAttempts: 3,
    logger: silentLogger,
  });
  const desk = new NotificationDesk({
    popup,
    invokeDecide: async (d) => { decisions.push(d); return manager.invoke(METHOD_DECIDE, d); },
    waitForConnected: (ms) => manager.waitForConnected(ms),
    logger: silentLogger,
  });
  manager.on(TARGET_NOTIFY, (n) => desk.onNotify(n));
  manager.on(TARGET_WITHDRAW, (w) => desk.onWithdraw(w));
  manager.on(TARGET_DECIDED, (d) => desk.onDecided(d));
  manager.onStateChange((s) => states.push(s));
  return { manager, desk, popup, states, decisions, async close() { desk.dispose(); await manager.stop(); } };
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
        if (decided.has(notificationId)) return { notificationId, status: "already-decided", outcome: decided.get(notificationId) };
        decided.set(notificationId, decision);
        return { notificationId, status: "recorded", outcome: decision === "accept" ? "Accepted" : "Rejected", by: userId };
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
      await eventually(() => presence.state.upstream.some((u) => u.event === "connected" && u.userId === "alice"), { message: "connected upstream event" });
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
      await sendToUser(emulator, HUB, "alice", TARGET_WITHDRAW, [{ notificationId: "n-withdrawn", reason: "answered" }]);
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
      const negotiationsBefore = presence.state.negotiations.length;
      const port = emulator.port;
      await emulator.stop();
      await eventually(() => tab.manager.state === ConnectionState.RECONNECTING, { timeoutMs: 35_000, message: "reconnecting after the service went away" });
      emulator = await startEmulator({ port, accessKey: emulator.accessKey, upstream: presence.upstreamUrl });
      presence.bind(emulator);
      await tab.manager.waitForConnected(40_000);
      assert.ok(presence.state.negotiations.length > negotiationsBefore, "reconnect re-negotiated with the presence app");
      await sendToUser(emulator, HUB, "carol", TARGET_NOTIFY, [notification("n-after-restart")]);
      await eventually(() => tab.popup.isOpen("n-after-restart"), { message: "popup after restart" });
      tab.popup.answer("n-after-restart", "reject", "DeclinedByAgent");
      assert.equal((await tab.desk.settled("n-after-restart")).status, "recorded");
      assert.deepEqual(tab.states.slice(-2), [ConnectionState.RECONNECTING, ConnectionState.CONNECTED]);
    } finally {
      await tab.close();
    }
  });
});
