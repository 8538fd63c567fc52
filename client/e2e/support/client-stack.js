// A self-contained stack for the client's browser tests (no ./dev up needed): the project's SignalR
// emulator, the embedded OpenID provider (mock-oauth2-server), a stand-in presence app and a static
// server for the panel fixture + dist/. Every part binds an ephemeral port on loopback.
import { spawn, spawnSync } from "node:child_process";
import { createPublicKey, verify as verifySignature } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomAccessKey, sendToUser, startEmulator, startPresenceStandIn } from "../../test/support/emulator.js";
import { createAgentHub } from "../../test/support/agent-hub.js";

const here = dirname(fileURLToPath(import.meta.url));
export const CLIENT_DIR = resolve(here, "../..");
export const REPO_DIR = resolve(CLIENT_DIR, "..");
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];
const DEVSTACK_JAR = join(REPO_DIR, "local/devstack/target/devstack.jar");
const MOCK_OAUTH2_MAIN = "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt";

export function requireChromium() {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get update && apt-get install -y chromium`);
}

/** The classpath holding mock-oauth2-server: MOCK_OAUTH2_CLASSPATH, else the shaded devstack jar. */
function mockOAuth2Classpath() {
  if (process.env.MOCK_OAUTH2_CLASSPATH) return process.env.MOCK_OAUTH2_CLASSPATH;
  if (existsSync(DEVSTACK_JAR)) {
    const probe = spawnSync(
      "unzip",
      ["-l", DEVSTACK_JAR, "no/nav/security/mock/oauth2/StandaloneMockOAuth2ServerKt.class"],
      { encoding: "utf8" },
    );
    if (probe.status === 0 && probe.stdout.includes("StandaloneMockOAuth2ServerKt")) return DEVSTACK_JAR;
  }
  throw new Error(
    "mock-oauth2-server not found: build the devstack jar (mvn -B -q -o -pl local/devstack -am install -DskipTests) " +
      "or set MOCK_OAUTH2_CLASSPATH to a classpath holding no.nav.security:mock-oauth2-server",
  );
}

export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function startMockOAuth2() {
  const port = await freePort();
  const child = spawn("java", ["-XX:TieredStopAtLevel=1", "-cp", mockOAuth2Classpath(), MOCK_OAUTH2_MAIN], {
    env: {
      ...process.env,
      SERVER_PORT: String(port),
      JSON_CONFIG: JSON.stringify({ interactiveLogin: true, httpServer: "NettyWrapper" }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => {
    log = (log + d).slice(-10_000);
  });
  child.stderr.on("data", (d) => {
    log = (log + d).slice(-10_000);
  });
  const issuer = `http://localhost:${port}/entra`;
  const deadline = Date.now() + 40_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mock-oauth2-server exited early:\n${log}`);
    try {
      const r = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`mock-oauth2-server not ready in 40 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const jwks = await (await fetch(`${issuer}/jwks`)).json();
  return {
    issuer,
    jwks,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Verifies an RS256 JWT against the provider's JWKS and issuer; returns its claims or null. */
function verifiedClaims(token, jwks, issuer) {
  try {
    const [h, p, s] = token.split(".");
    const header = JSON.parse(Buffer.from(h, "base64url"));
    const jwk = jwks.keys.find((k) => k.kid === header.kid) || jwks.keys[0];
    const ok = verifySignature(
      "RSA-SHA256",
      Buffer.from(`${h}.${p}`),
      createPublicKey({ key: jwk, format: "jwk" }),
      Buffer.from(s, "base64url"),
    );
    const claims = JSON.parse(Buffer.from(p, "base64url"));
    if (!ok || claims.iss !== issuer || claims.exp * 1000 < Date.now()) return null;
    return claims;
  } catch {
    return null;
  }
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".map": "application/json",
  ".txt": "text/plain",
};

async function startStaticServer(configFor) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    const path = url.pathname;
    let file;
    if (path.startsWith("/dist/")) file = join(CLIENT_DIR, path);
    else if (path.startsWith("/fixtures/")) file = join(here, "..", path);
    if (!file || file.includes("..")) {
      res.writeHead(404);
      res.end();
      return;
    }
    try {
      let body = await readFile(file);
      if (path === "/fixtures/panel.html") {
        body = body.toString("utf8").replace("/*CONFIG*/null", JSON.stringify(configFor(url)));
      }
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] || "application/octet-stream",
        "cache-control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://localhost:${server.address().port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

/**
 * Starts everything. `decisions` records what the stand-in presence app received; first decision per
 * notification wins, later ones get already-decided (what the real presence app promises).
 */
export async function startClientStack() {
  requireChromium();
  if (!existsSync(join(CLIENT_DIR, "dist/signalRadaptor.js")))
    throw new Error("dist/signalRadaptor.js missing: run npm run build first");
  const parts = [];
  const stopAll = async () => {
    for (const p of parts.reverse()) {
      try {
        await p();
      } catch {
        /* best effort */
      }
    }
  };
  try {
    let emulator = null;
    const currentEmulator = () => emulator;
    // decide (first wins, ring groups), setAvailability, getAgentState, getMissedCalls + pushes: the issue-20 contracts
    const agentHub = createAgentHub({
      push: (userId, target, args) => sendToUser(currentEmulator(), "cifhub", userId, target, args),
    });
    const decisions = agentHub.decisions;
    const oidc = await startMockOAuth2();
    parts.push(() => oidc.stop());
    let webOrigin = null;
    const presence = await startPresenceStandIn({
      userFromAuthorization: (header) => {
        const m = /^Bearer (.+)$/.exec(header || "");
        const claims = m && verifiedClaims(m[1], oidc.jwks, oidc.issuer);
        return claims ? claims.sub : null;
      },
      allowOrigins: [],
      decideHandler: (call) => agentHub.handle(call),
      hubMethods: ["decide", "setAvailability", "getAgentState", "getMissedCalls"],
    });
    parts.push(() => presence.close());
    const web = await startStaticServer((url) => ({
      functionUrl: presence.baseUrl.replace("127.0.0.1", "localhost"),
      clientId: "cifpipe-panel",
      authority: oidc.issuer,
      scopes: ["api://cifpipe-local/user_impersonation"],
      redirectUri: `${webOrigin}/fixtures/panel.html`,
      notificationTemplate: "cifpipe_incoming_call",
      reconnect: { initialMs: 300, maxMs: 2000 },
      ...(url.searchParams.get("cache") === "session" ? { cacheLocation: "sessionStorage" } : {}),
      ...(url.searchParams.get("reasons") === "custom"
        ? {
            rejectReasons: [
              { code: "callback", label: "Will call back" },
              { code: "wrong-skill", label: "Wrong queue or skill" },
            ],
            defaultRejectReason: "callback",
          }
        : {}),
    }));
    parts.push(() => web.close());
    webOrigin = web.origin;
    presence.allowOrigin(web.origin);
    const accessKey = randomAccessKey();
    emulator = await startEmulator({ accessKey, upstream: presence.upstreamUrl, allowOrigins: [web.origin] });
    parts.push(() => emulator.stop());
    presence.bind(emulator);
    return {
      oidc,
      presence,
      web,
      decisions,
      agentHub,
      get emulator() {
        return emulator;
      },
      panelUrl: `${web.origin}/fixtures/panel.html`,
      async restartEmulator({ downMs = 0, whileDown } = {}) {
        const port = emulator.port;
        await emulator.stop();
        if (whileDown) await whileDown();
        if (downMs) await new Promise((r) => setTimeout(r, downMs));
        emulator = await startEmulator({ port, accessKey, upstream: presence.upstreamUrl, allowOrigins: [web.origin] });
        presence.bind(emulator);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
