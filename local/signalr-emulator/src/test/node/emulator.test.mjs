// The real @microsoft/signalr client (Node) against the SignalR emulator.
// Driven by NodeClientTest (JUnit), which starts the emulator and a test Functions app and passes:
//   SIGNALR_ENDPOINT     http://127.0.0.1:<port> of the emulator
//   SIGNALR_ACCESS_KEY   its AccessKey (to mint REST tokens like the SDKs do)
//   FUNCTIONS_URL        the test Functions app (POST /api/negotiate -> {url, accessToken}; webhook checks signatures)
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import * as signalR from "@microsoft/signalr";

const endpoint = required("SIGNALR_ENDPOINT");
const accessKey = required("SIGNALR_ACCESS_KEY");
const functionsUrl = required("FUNCTIONS_URL");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through NodeClientTest`);
  return value;
}

const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString("base64url");

/** HS256 token signed with the UTF-8 bytes of the key, like the service SDKs. */
function mint(aud, claims = {}, lifetimeSeconds = 3600, key = accessKey) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url({ alg: "HS256", typ: "JWT" });
  const body = b64url({ ...claims, aud, iat: now, nbf: now - 1, exp: now + lifetimeSeconds });
  const sig = createHmac("sha256", Buffer.from(key, "utf8")).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/** Data-plane REST call with an SDK-style audience (no port, api-version query). */
async function rest(method, path, body) {
  const aud = `http://127.0.0.1${path}?api-version=2022-06-01`;
  const response = await fetch(`${endpoint}${path}?api-version=2022-06-01`, {
    method,
    headers: { Authorization: `Bearer ${mint(aud, { nameid: "node-test" })}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.status;
}

function until(predicate, what, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (predicate()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 20);
  });
}

function connectViaFunctions(user, reconnectDelays) {
  let builder = new signalR.HubConnectionBuilder()
    .withUrl(`${functionsUrl}/api`, { headers: { "x-test-user": user } })
    .configureLogging(signalR.LogLevel.Error);
  if (reconnectDelays) builder = builder.withAutomaticReconnect(reconnectDelays);
  return builder.build();
}

test("negotiate redirect, REST send to user, invocation through the upstream", async () => {
  const connection = connectViaFunctions("node-agent");
  const received = [];
  connection.on("notify", (payload) => {
    received.push(payload);
  });
  await connection.start();
  try {
    assert.equal(connection.state, signalR.HubConnectionState.Connected);
    assert.ok(connection.connectionId, "connectionId from negotiate");

    assert.equal(
      await rest("POST", "/api/hubs/chat/users/node-agent/:send", {
        target: "notify",
        arguments: [{ callId: "c-1", caller: "+44 20 7946 0000" }],
      }),
      202,
    );
    await until(() => received.length === 1, "REST-sent notify");
    assert.deepEqual(received[0], { callId: "c-1", caller: "+44 20 7946 0000" });

    // the webhook answers 401 on a bad X-ASRS-Signature, so a result here proves the signature verified
    assert.equal(await connection.invoke("echo", "from node"), "from node");
    await assert.rejects(connection.invoke("fail"), /Invocation failed, status code 500/);
    assert.equal(await rest("HEAD", `/api/hubs/chat/connections/${connection.connectionId}`), 200);
  } finally {
    await connection.stop();
  }
});

test("automatic reconnect after a server-side close gets a new connection id", async () => {
  const connection = connectViaFunctions("node-reconnect", [0, 200, 1000]);
  const received = [];
  connection.on("notify", (payload) => {
    received.push(payload);
  });
  let reconnectedId = null;
  connection.onreconnected((id) => {
    reconnectedId = id;
  });
  await connection.start();
  try {
    const firstId = connection.connectionId;
    assert.equal(await rest("DELETE", `/api/hubs/chat/connections/${firstId}`), 200);
    await until(() => reconnectedId !== null, "reconnect");
    assert.notEqual(reconnectedId, firstId);
    assert.equal(await rest("HEAD", `/api/hubs/chat/connections/${firstId}`), 404);
    assert.equal(
      await rest("POST", `/api/hubs/chat/connections/${reconnectedId}/:send`, {
        target: "notify",
        arguments: ["after reconnect"],
      }),
      202,
    );
    await until(() => received.includes("after reconnect"), "message after reconnect");
  } finally {
    await connection.stop();
  }
});

test("forged and expired client tokens are refused with 401", async () => {
  const url = `${endpoint}/client/?hub=chat`;
  for (const token of [
    mint("http://127.0.0.1/client/?hub=chat", { nameid: "x" }, 3600, "not-the-emulator-key-0123456789abcdef"),
    mint("http://127.0.0.1/client/?hub=chat", { nameid: "x" }, -600),
  ]) {
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(url, { accessTokenFactory: () => token })
      .configureLogging(signalR.LogLevel.None)
      .build();
    await assert.rejects(connection.start(), /401/);
  }
});
