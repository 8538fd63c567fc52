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
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "..", "..", "..");
const JAR = join(REPO, "local", "devstack", "target", "devstack.jar");
const ARTIFACTS = join(HERE, "artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run"];

function devstack(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn("java", ["-jar", JAR, ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => { out = (out + d).slice(-20_000); });
    child.stderr.on("data", (d) => { out = (out + d).slice(-20_000); });
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`devstack ${args.join(" ")} timed out:\n${out}`)); }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out); else reject(new Error(`devstack ${args.join(" ")} exited ${code}:\n${out}`));
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
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
    context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    const watch = (page, name) => {
      page.on("pageerror", (e) => problems.push(`[${name}] ${e.message}`));
      page.on("console", (m) => { if (m.type() === "error") problems.push(`[${name}] ${m.text()}`); });
    };
    agent = await context.newPage();
    watch(agent, "agent");
    telephony = await context.newPage();
    watch(telephony, "telephony");
  });

  after(async () => {
    if (problems.length) console.log(`browser errors:\n${problems.join("\n")}`);
    // Last state of each page, whatever happened (a failed step shows its cause here).
    for (const [page, name] of [[agent, "final-agent"], [telephony, "final-telephony"]]) {
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
    await telephony.locator("#calls tr", { hasText: calls.accepted }).filter({ hasText: "Accepted" }).waitFor({ timeout: 45_000 });
    await telephony.locator("#outcomes tr", { hasText: "Accepted" }).first().waitFor({ timeout: 10_000 });
    await shot(telephony, "telephony-1-accepted");
  });

  test("a call to Bob, who is not signed in, ends Undeliverable", async () => {
    calls.undeliverable = `Walk-in ${Date.now() % 10000}`;
    await placeCall("bob", { ringSeconds: 6, callerName: calls.undeliverable });
    await telephony.locator("#calls tr", { hasText: calls.undeliverable }).filter({ hasText: "Undeliverable" })
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
});
