import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { CHROMIUM, CHROMIUM_ARGS, CLIENT_DIR } from "./client-stack.js";

export const ARTIFACTS = join(CLIENT_DIR, "e2e", "artifacts");

export async function launchBrowser() {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Collects console errors/warnings of a page so a failing test can print them. */
export function recordConsole(page, into = []) {
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") into.push(`[${m.type()}] ${m.text()}`);
  });
  page.on("pageerror", (e) => into.push(`[pageerror] ${e.message}`));
  return into;
}

/** Waits for the indicator to show a state; on timeout the error names the state it did show. */
export async function waitForIndicator(page, state, timeout = 30_000) {
  try {
    await page.waitForSelector(`#cif-adaptor-status[data-state="${state}"]`, { timeout });
  } catch (err) {
    const shown = await page
      .$eval(
        "#cif-adaptor-status",
        (e) => `${e.dataset.state}: ${e.textContent} / ${document.getElementById("cif-adaptor-notice")?.textContent}`,
      )
      .catch(() => "no indicator");
    throw new Error(`indicator did not become ${state} within ${timeout} ms (shows ${shown})`);
  }
}

/** Every agent notice the adaptor showed on a page (the screen keeps only the latest). */
export function recordNotices(page) {
  const notices = [];
  page.on("console", (m) => {
    const i = m.text().indexOf("[cif-adaptor] notice (");
    if (i >= 0) notices.push(m.text().slice(i));
  });
  return notices;
}

export async function waitForNotice(notices, pattern, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  while (!notices.some((n) => pattern.test(n))) {
    if (Date.now() > deadline)
      throw new Error(
        `no notice matching ${pattern} within ${timeout} ms; notices: ${JSON.stringify(notices.slice(-5))}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
