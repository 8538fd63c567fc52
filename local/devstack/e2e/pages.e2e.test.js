// Screenshots of the three devstack pages in headless Debian Chromium, driving a real local stack:
// sign in on the agent panel through the embedded Entra, place calls from the telephony simulator,
// accept one in the CIF popup, and read the outcome and ledger on the ops dashboard.
// Starts its own stack on OS-chosen ports (devstack.jar --wait --ephemeral-ports) unless CIFPIPE_WEB_URL
// points at a running one. Screenshots: e2e/artifacts/*.png (gitignored).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:http";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "..", "..", "..");
const JAR = join(REPO, "local", "devstack", "target", "devstack.jar");
const ARTIFACTS = join(HERE, "artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

function devstack(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn("java", ["-jar", JAR, ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out = (out + d).slice(-20_000);
    });
    child.stderr.on("data", (d) => {
      out = (out + d).slice(-20_000);
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`devstack ${args.join(" ")} timed out:\n${out}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`devstack ${args.join(" ")} exited ${code}:\n${out}`));
    });
  });
}

describe("devstack pages", { timeout: 600_000 }, () => {
  let web;
  let stateDir;
  let browser;
  let context;
  let agent;
  let telephony;
  const problems = [];
  const calls = {};
  let serviceBusConnection;

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    if (process.env.CIFPIPE_WEB_URL) {
      web = process.env.CIFPIPE_WEB_URL;
    } else {
      assert.ok(existsSync(JAR), `${JAR} missing: build it with mvn -pl local/devstack package (./dev up builds it)`);
      stateDir = await mkdtemp(join(tmpdir(), "devstack-e2e-"));
      await devstack(["--wait", "--ephemeral-ports", "--state-dir", stateDir, "--timeout", "300"], 330_000);
      web = JSON.parse(await readFile(join(stateDir, "status.json"), "utf8")).webUrl;
    }
    const status = JSON.parse(await readFile(join(stateDir || join(REPO, ".devstack"), "status.json"), "utf8"));
    serviceBusConnection = status.stack?.serviceBus?.connectionString;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
    context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    const watch = (page, name) => {
      page.on("pageerror", (e) => problems.push(`[${name}] ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`[${name}] ${m.text()}`);
      });
    };
    agent = await context.newPage();
    watch(agent, "agent");
    telephony = await context.newPage();
    watch(telephony, "telephony");
  });

  after(async () => {
    if (problems.length) console.log(`browser errors:\n${problems.join("\n")}`);
    // Last state of each page, whatever happened (a failed step shows its cause here).
    for (const [page, name] of [
      [agent, "final-agent"],
      [telephony, "final-telephony"],
    ]) {
      await page?.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => {});
    }
    await browser?.close();
    if (stateDir) {
      await devstack(["down", "--state-dir", stateDir], 90_000).catch((e) => console.log(String(e)));
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function placeCall(agentKey, { ringSeconds = 45, callerName }) {
    const config = await (await fetch(`${web}/api/config`)).json();
    const oid = config.agents.find((a) => a.key === agentKey).oid;
    await telephony.bringToFront();
    for (const box of await telephony.$$("#agents input[type=checkbox]")) {
      if (((await box.getAttribute("value")) === oid) !== (await box.isChecked())) await box.click();
    }
    await telephony.fill("#callerName", callerName);
    await telephony.fill("#ringSeconds", String(ringSeconds));
    await telephony.fill("#count", "1");
    await telephony.click("#place-btn");
    await telephony.locator("#place-status", { hasText: "Accepted" }).waitFor({ timeout: 75_000 });
  }

  test("agent panel: sign in as Alice through the local Entra → connected", async () => {
    await agent.goto(`${web}/agent.html`);
    // the panel is the web resource in an iframe (as in Dynamics); sign-in is an MSAL popup
    const panel = agent.frameLocator("#cif-panel");
    await panel.locator("#cif-adaptor-signin").waitFor({ state: "visible", timeout: 60_000 });
    await shot(agent, "agent-1-signed-out");
    const [popup] = await Promise.all([agent.waitForEvent("popup"), panel.locator("#cif-adaptor-signin").click()]);
    await popup.locator('button[data-agent="alice"]').waitFor({ timeout: 30_000 });
    await shot(popup, "entra-login");
    await popup.click('button[data-agent="alice"]');
    await panel.locator('#cif-adaptor-status[data-state="connected"]').waitFor({ timeout: 60_000 });
    await agent.locator("#who", { hasText: "Alice Agent" }).waitFor({ timeout: 10_000 });
    await shot(agent, "agent-2-connected");
  });

  test("telephony → popup on the agent panel → Accept → outcome Accepted", async () => {
    await telephony.goto(`${web}/telephony.html`);
    await telephony.waitForSelector("#agents input[type=checkbox]");
    calls.accepted = `Maria Garcia ${Date.now() % 10000}`;
    await placeCall("alice", { callerName: calls.accepted });
    const toast = agent.locator(".cif-toast", { hasText: calls.accepted });
    await toast.waitFor({ timeout: 45_000 });
    await agent.bringToFront();
    await shot(agent, "agent-3-popup");
    await toast.locator(".cif-toast__accept").click();
    await telephony
      .locator("#calls tr", { hasText: calls.accepted })
      .filter({ hasText: "Accepted" })
      .waitFor({ timeout: 45_000 });
    await telephony.locator("#outcomes tr", { hasText: "Accepted" }).first().waitFor({ timeout: 10_000 });
    await shot(telephony, "telephony-1-accepted");
  });

  test("a call to Bob, who is not signed in, ends Undeliverable", async () => {
    calls.undeliverable = `Walk-in ${Date.now() % 10000}`;
    await placeCall("bob", { ringSeconds: 6, callerName: calls.undeliverable });
    await telephony
      .locator("#calls tr", { hasText: calls.undeliverable })
      .filter({ hasText: "Undeliverable" })
      .waitFor({ timeout: 60_000 });
    await shot(telephony, "telephony-2-undeliverable");
  });

  test("ops dashboard: queues, connections, ledger with states and timings", async () => {
    const ops = await context.newPage();
    ops.on("pageerror", (e) => problems.push(`[ops] ${e.message}`));
    await ops.goto(`${web}/ops.html`);
    await ops.locator("#queues [data-queue=call-events]").waitFor({ timeout: 20_000 });
    await ops.locator("#connections tr", { hasText: "Alice Agent" }).waitFor({ timeout: 20_000 });
    await ops.locator("#ledger tr .pill", { hasText: "Accepted" }).first().waitFor({ timeout: 20_000 });
    await ops.locator("#ledger tr .pill", { hasText: "Undeliverable" }).first().waitFor({ timeout: 20_000 });
    // call-outcomes is a topic: each subscription has its own card, and the dashboard reads its own subscription
    // (operations: terminal outcomes only).
    await ops.locator('#queues [data-queue="call-outcomes/subscriptions/telephony"]').waitFor({ timeout: 20_000 });
    await ops.locator('#queues [data-queue="call-outcomes/subscriptions/operations"]').waitFor({ timeout: 20_000 });
    await ops.locator("#terminal-outcomes tr .pill", { hasText: "Accepted" }).first().waitFor({ timeout: 20_000 });
    assert.equal(await ops.locator("#terminal-outcomes tr .pill", { hasText: "Delivered" }).count(), 0);
    await ops.locator("#dlq tr").first().waitFor({ timeout: 20_000 });
    await shot(ops, "ops-1-dashboard");
    const pageErrors = problems.filter((p) => p.startsWith("[ops]") || p.includes("pageerror"));
    assert.deepEqual(pageErrors, []);
  });

  // A poison message enqueued directly (the guide's Java example with an empty agent id), as a telephony system
  // with Service Bus access could send it: dispatch dead-letters it with the validation error naming the field.
  async function enqueuePoison(callId) {
    assert.ok(serviceBusConnection, "status.json has no stack.serviceBus.connectionString");
    await new Promise((resolve, reject) => {
      const child = spawn(
        "java",
        [
          "-cp",
          join(REPO, "ops", "target", "ops.jar"),
          join(REPO, "docs", "examples", "SendCallEvent.java"),
          callId,
          "",
        ],
        {
          cwd: REPO,
          env: { ...process.env, ServiceBusConnection: serviceBusConnection },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        out += d;
      });
      child.on("exit", (code) =>
        code === 0 ? resolve(out) : reject(new Error(`SendCallEvent exited ${code}: ${out}`)),
      );
    });
  }

  async function deadLetter(callId) {
    const r = await (await fetch(`${web}/api/state/dlq?queue=call-events`)).json();
    return r.messages.find((m) => m.callId === callId);
  }

  test("dead letters: a real poison message shows its cause; replay refuses it", async () => {
    calls.poison = `poison-${Date.now() % 100000}`;
    await enqueuePoison(calls.poison);
    for (let i = 0; i < 60 && !(await deadLetter(calls.poison)); i++) await new Promise((r) => setTimeout(r, 1000));
    const entry = await deadLetter(calls.poison);
    assert.ok(entry, "poison message dead-lettered");
    assert.match(entry.cause, /\/data\/agentId/);
    const ops = await context.newPage();
    await ops.goto(`${web}/ops.html`);
    const row = ops.locator("#dlq tr", { hasText: calls.poison });
    await row.locator(".cause", { hasText: "/data/agentId" }).waitFor({ timeout: 20_000 });
    await row.locator(".would-fail").waitFor({ timeout: 5_000 });
    await row.locator("button", { hasText: "Replay" }).click();
    await ops.locator("#dlq-banner .banner", { hasText: "would fail again" }).waitFor({ timeout: 20_000 });
    const box = await ops.locator("#dlq").boundingBox();
    const card = await ops.locator("#dlq").locator("xpath=ancestor::section[1]").boundingBox();
    assert.ok(box.x + box.width <= card.x + card.width + 1, "dead-letter table fits its card (Replay reachable)");
    await shot(ops, "ops-2-dead-letter-cause");
    await ops.close();
  });

  test("a hostile page on another origin cannot replay or restart anything", async () => {
    const target = `${web}/api/state/dlq/replay`;
    const hostile = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><title>evil</title>
        <form id="f" method="POST" action="${target}" enctype="text/plain">
          <input name='{"queue":"call-events","force":true,"x":"' value='"}'></form>
        <script>
          window.results = {};
          fetch("${target}", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" },
            body: JSON.stringify({ queue: "call-events", force: true }) }).then(() => { results.noCors = "sent"; }, (e) => { results.noCors = String(e); });
          fetch("${target}", { method: "POST", headers: { "content-type": "application/json" },
            body: JSON.stringify({ queue: "call-events", force: true }) }).then((r) => { results.json = r.status; }, (e) => { results.json = "blocked: " + e; });
          fetch("${web}/api/dev/signalr/restart", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" },
            body: JSON.stringify({ downSeconds: 60 }) }).then(() => { results.restart = "sent"; }, (e) => { results.restart = String(e); });
        </script>`);
    });
    await new Promise((r) => hostile.listen(0, "127.0.0.1", r));
    const evilOrigin = `http://127.0.0.1:${hostile.address().port}`;
    try {
      const evil = await context.newPage();
      const statuses = [];
      evil.on("response", (r) => {
        if (r.url().startsWith(web)) statuses.push([r.request().method(), r.url(), r.status()]);
      });
      await evil.goto(evilOrigin);
      await evil.waitForFunction(
        () => window.results && "noCors" in window.results && "json" in window.results && "restart" in window.results,
        null,
        { timeout: 20_000 },
      );
      const results = await evil.evaluate(() => window.results);
      assert.match(String(results.json), /blocked/, "a JSON fetch needs a CORS preflight the devstack never grants");
      const formPost = evil.waitForResponse((r) => r.url() === target, { timeout: 20_000 });
      await evil.evaluate(() => document.getElementById("f").submit());
      const refused = await formPost;
      assert.equal(refused.status(), 403, "text/plain form post from another origin is refused");
      await shot(evil, "hostile-form-post-refused");
      console.log(
        `hostile page ${evilOrigin}: responses ${JSON.stringify(statuses)}; fetch results ${JSON.stringify(results)}`,
      );
      for (const [method, url, code] of statuses) {
        if (method === "POST" && url.includes("/api/"))
          assert.ok(code === 403 || code === 415, `${url} answered ${code}`);
      }
      const still = await deadLetter(calls.poison);
      assert.ok(still, "the poison message is still dead-lettered: nothing was replayed");
      assert.equal(still.replayCount, 0);
      const health = await (await fetch(`${web}/api/health`)).json();
      assert.equal(health.parts["SignalR emulator"], true, "SignalR was not restarted");
      await evil.close();
    } finally {
      hostile.close();
    }
  });

  test("ops dashboard: supervisor view with figures, agents and a chart", async () => {
    const ops = await context.newPage();
    await ops.goto(`${web}/ops.html`);
    await ops.locator("#sup-agents tr", { hasText: "Alice Agent" }).waitFor({ timeout: 20_000 });
    const accepted = ops.locator('#sup-figures [data-figure="accepted"] .stat');
    await accepted.waitFor({ timeout: 20_000 });
    assert.ok(Number(await accepted.textContent()) >= 1, "the accepted call counts");
    const undeliverable = Number(await ops.locator('#sup-figures [data-figure="undeliverable"] .stat').textContent());
    assert.ok(undeliverable >= 1, "Bob's call counts as undeliverable");
    assert.equal((await ops.locator("#sup-chart svg rect").count()) > 0, true);
    await ops.locator("#supervisor").screenshot({ path: join(ARTIFACTS, "ops-3-supervisor.png") });
    await ops.close();
  });

  test("every page is usable at 320 px: no horizontal page overflow", async () => {
    const narrow = await browser.newContext({ viewport: { width: 320, height: 780 } });
    try {
      for (const name of ["index", "telephony", "ops", "agent"]) {
        const page = await narrow.newPage();
        await page.goto(`${web}/${name}.html`);
        await page.waitForTimeout(name === "ops" ? 2500 : 800);
        await page.screenshot({ path: join(ARTIFACTS, `narrow-320-${name}.png`), fullPage: true });
        await page.screenshot({ path: join(ARTIFACTS, `narrow-320-${name}-top.png`) });
        if (name === "ops") {
          await page.locator("#supervisor").screenshot({ path: join(ARTIFACTS, "narrow-320-ops-supervisor.png") });
          await page
            .locator("#dlq")
            .locator("xpath=ancestor::section[1]")
            .screenshot({ path: join(ARTIFACTS, "narrow-320-ops-dead-letters.png") });
        }
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        console.log(`${name}.html at 320 px: horizontal overflow ${overflow}px`);
        assert.ok(overflow <= 0, `${name}.html overflows by ${overflow}px at 320 px`);
        await page.close();
      }
    } finally {
      await narrow.close();
    }
  });
});
