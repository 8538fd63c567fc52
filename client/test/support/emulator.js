// Starts the project's SignalR emulator (local/signalr-emulator/target/signalr-emulator.jar) as a child
// process on a free port, and a small stand-in for the presence Function app (negotiate + upstream).
// Missing java or jar is a test FAILURE with instructions, never a skip.
import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const EMULATOR_JAR = resolve(here, "../../../local/signalr-emulator/target/signalr-emulator.jar");
const START_TIMEOUT_MS = 40_000;

export function requireJavaAndJar() {
  const java = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (java.error || java.status !== 0) {
    throw new Error(
      "java is not on PATH: the emulator-backed client tests need a JDK 17 (apt-get install openjdk-17-jdk)",
    );
  }
  if (!existsSync(EMULATOR_JAR)) {
    throw new Error(
      `SignalR emulator jar missing at ${EMULATOR_JAR}: build it first with ` +
        "`cd <repo> && mvn -B -q -o -pl local/signalr-emulator install -DskipTests` (./dev test does this)",
    );
  }
}

/** @returns {Promise<{endpoint: string, port: number, accessKey: string, stop: () => Promise<void>, stderr: () => string}>} */
export async function startEmulator({ port = 0, accessKey, upstream, allowOrigins = [] } = {}) {
  requireJavaAndJar();
  const args = [
    "-Xss512k",
    "-XX:TieredStopAtLevel=1",
    "-jar",
    EMULATOR_JAR,
    "--port",
    String(port),
    "--access-key",
    accessKey,
  ];
  if (upstream) args.push("--upstream", upstream);
  for (const o of allowOrigins) args.push("--allow-origin", o);
  const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-20_000);
  });
  const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));

  const connectionString = await new Promise((resolveLine, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`emulator did not print its connection string within ${START_TIMEOUT_MS} ms; stderr:\n${stderr}`),
      );
    }, START_TIMEOUT_MS);
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("Endpoint="));
      if (line) {
        clearTimeout(timer);
        resolveLine(line.trim());
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code ?? signal}) before it was ready; stderr:\n${stderr}`));
    });
  });
  const parts = Object.fromEntries(
    connectionString
      .split(";")
      .filter(Boolean)
      .map((kv) => {
        const i = kv.indexOf("=");
        return [kv.slice(0, i).toLowerCase(), kv.slice(i + 1)];
      }),
  );
  const actualPort = Number(parts.port);
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    accessKey,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function randomAccessKey() {
  return randomBytes(33).toString("base64"); // 44 characters, like Azure keys
}

/** HS256 JWT signed with the UTF-8 bytes of the access key (what the SignalR SDKs do). */
export function mintJwt(accessKey, claims, lifetimeSeconds = 3600) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url({ alg: "HS256", typ: "JWT" });
  const payload = b64url({ iat: now, nbf: now - 5, exp: now + lifetimeSeconds, ...claims });
  const sig = createHmac("sha256", Buffer.from(accessKey, "utf8")).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${sig}`;
}
function b64url(o) {
  return Buffer.from(JSON.stringify(o)).toString("base64url");
}

/**
 * Plays the presence Function app: negotiate (Bearer "entra:<userId>" → SignalR client token for that
 * user), userclient (registration of a connection: recorded in state.registrations; 401 without a
 * valid bearer, 400 without {connectionId}; otherwise 200 {userId, connectionId} unless
 * `userclientHandler({userId, connectionId, attempt})` returns another answer {status, body?, headers?})
 * and the SignalR upstream webhook (answers invocations of `hubMethods` — default just `decide` — through
 * `decideHandler`; any other hub method gets a completion error, like a presence app without it).
 * `tokenLifetimes` lets a test hand out expired tokens first.
 */
export async function startPresenceStandIn({
  hub = "cifhub",
  decideHandler,
  hubMethods = ["decide"],
  tokenLifetimes = [],
  userclientHandler = () => null,
  userFromAuthorization = (header) => {
    const m = /^Bearer entra:(.+)$/.exec(header || "");
    return m ? m[1] : null;
  },
  allowOrigins = [],
}) {
  const state = {
    endpoint: null,
    accessKey: null,
    negotiations: [],
    upstream: [],
    registrations: [],
    lifetimes: [...tokenLifetimes],
  };
  let onUserclient = userclientHandler;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    const origin = req.headers.origin;
    if (origin && allowOrigins.includes(origin)) {
      // an allow-list, never "*": what the real presence app's CORS must do as well
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "Origin");
    }
    if (req.method === "OPTIONS") {
      res.setHeader("access-control-allow-methods", "POST");
      res.setHeader(
        "access-control-allow-headers",
        "authorization, content-type, x-requested-with, x-signalr-user-agent",
      );
      res.writeHead(204);
      res.end();
      return;
    }
    const body = await new Promise((r) => {
      let b = "";
      req.on("data", (d) => {
        b += d;
      });
      req.on("end", () => r(b));
    });
    if (req.method === "POST" && url.pathname === "/api/negotiate") {
      const userId = userFromAuthorization(req.headers.authorization);
      if (!userId) {
        res.writeHead(401, { "content-type": "application/problem+json" });
        res.end(JSON.stringify({ title: "Unauthorized", status: 401 }));
        return;
      }
      const lifetime = state.lifetimes.length ? state.lifetimes.shift() : 3600;
      const clientUrl = `${state.endpoint}/client/?hub=${hub}`;
      const accessToken = mintJwt(state.accessKey, { aud: clientUrl, nameid: userId }, lifetime);
      state.negotiations.push({ userId, lifetime });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ url: clientUrl, accessToken }));
      return;
    }
    if (req.method === "POST" && url.pathname === "/api/userclient") {
      const userId = userFromAuthorization(req.headers.authorization);
      let connectionId = null;
      try {
        const b = JSON.parse(body);
        connectionId = typeof b.connectionId === "string" ? b.connectionId : null;
      } catch {
        connectionId = null;
      }
      const attempt = state.registrations.filter((r) => r.connectionId === connectionId).length + 1;
      const record = {
        userId,
        connectionId,
        attempt,
        at: Date.now(),
        contentType: req.headers["content-type"],
        body,
        status: 0,
      };
      state.registrations.push(record);
      let answer;
      if (!userId) answer = { status: 401, body: { title: "Unauthorized", status: 401 } };
      else if (!connectionId)
        answer = {
          status: 400,
          body: { title: "Bad Request", detail: 'body must be a JSON object {"connectionId": ...}' },
        };
      else
        answer = (await onUserclient({ userId, connectionId, attempt })) || {
          status: 200,
          body: { userId, connectionId },
        };
      record.status = answer.status;
      const type = answer.status === 200 ? "application/json" : "application/problem+json";
      res.writeHead(answer.status, { "content-type": type, ...(answer.headers || {}) });
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
      return;
    }
    const upstream = /^\/api\/signalr\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method === "POST" && upstream) {
      // Presence's upstream route: the emulator expands {hub}/{category}/{event} like Azure's URL template.
      const category = req.headers["x-asrs-category"];
      const event = req.headers["x-asrs-event"];
      if (decodeURIComponent(upstream[2]) !== category || decodeURIComponent(upstream[3]) !== event) {
        res.writeHead(400);
        res.end();
        return;
      }
      const userId = req.headers["x-asrs-user-id"];
      state.upstream.push({ category, event, userId, connectionId: req.headers["x-asrs-connection-id"] });
      if (category === "messages") {
        const invocation = JSON.parse(body.replace(/\x1e$/, ""));
        const known = hubMethods.map((m) => m.toLowerCase());
        if (invocation.invocationId && !known.includes(String(invocation.target).toLowerCase())) {
          // like a presence app without that hub method: a completion error (e.g. getAgentState before issue 20's server)
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              type: 3,
              invocationId: invocation.invocationId,
              error: `Unknown hub method '${invocation.target}'`,
            }) + "\x1e",
          );
          return;
        }
        if (invocation.invocationId) {
          let completion;
          try {
            const result = await decideHandler({ userId, args: invocation.arguments, target: invocation.target });
            completion = { type: 3, invocationId: invocation.invocationId, result };
          } catch (err) {
            // a hub method error: the completion carries the error text, as the presence app answers bad input
            completion = { type: 3, invocationId: invocation.invocationId, error: String((err && err.message) || err) };
          }
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(completion) + "\x1e");
          return;
        }
      }
      res.writeHead(200);
      res.end();
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    upstreamUrl: `http://127.0.0.1:${port}/api/signalr/{hub}/{category}/{event}`,
    state,
    bind(emulator) {
      state.endpoint = emulator.endpoint;
      state.accessKey = emulator.accessKey;
    },
    allowOrigin(origin) {
      allowOrigins.push(origin);
    },
    /** Replaces the userclient answer policy (see above); null/undefined answers mean 200. */
    setUserclientHandler(fn) {
      onUserclient = fn || (() => null);
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

/** Sends a hub invocation to every connection of a user through the emulator's data-plane REST API. */
export async function sendToUser(emulator, hub, userId, target, args) {
  const path = `/api/hubs/${hub}/users/${encodeURIComponent(userId)}/:send?api-version=2022-06-01`;
  const token = mintJwt(emulator.accessKey, { aud: `${emulator.endpoint}${path}`, nameid: "test-server" }, 600);
  const res = await fetch(`${emulator.endpoint}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ target, arguments: args }),
  });
  if (res.status !== 202) throw new Error(`send to user ${userId} answered ${res.status}: ${await res.text()}`);
}
