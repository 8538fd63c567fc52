// The solution's panel page in Chromium, the way Dynamics hosts it (issue 23): a top window with Xrm.WebApi, the
// channel page cifpipe_/panel.html in an iframe at /WebResources/cifpipe_/, Microsoft's library at
// /WebResources/Widget/msdyn_ciLibrary.js (a stand-in here). The web resources are served from the files the
// solution zip carries (dataverse-solution's SolutionArtifactIT checks the zip's bytes equal them). Own server on an
// ephemeral 127.0.0.1 port: no shared stack, no lock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";
import { CLIENT_DIR } from "./support/client-stack.js";
import { launchBrowser, screenshot } from "./support/browser.js";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".css": "text/css",
};
const requests = [];
let server, origin, browser;

const CIF_LIBRARY = `window.Microsoft = { CIFramework: {
  notifyEvent: () => new Promise(() => {}), cancelEvent: () => Promise.resolve(true),
  setClickToAct: () => Promise.resolve(true), addHandler: () => {}, getEnvironment: () => Promise.resolve("{}") } };
setTimeout(() => window.dispatchEvent(new Event("CIFInitDone")), 0);`;

function hostPage(values) {
  const defs = Object.entries(values).map(([schemaname, value]) => ({
    schemaname,
    defaultvalue: null,
    environmentvariabledefinition_environmentvariablevalue: value === undefined ? [] : [{ value }],
  }));
  return `<!doctype html><html><head><meta charset="utf-8"><title>Dynamics stand-in</title><script>
    window.xrmCalls = [];
    window.Xrm = { WebApi: { retrieveMultipleRecords: async (entity, query) => {
      window.xrmCalls.push({ entity, query });
      return { entities: entity === "environmentvariabledefinition" ? ${JSON.stringify(defs)} : [] };
    } } };
  </script></head><body><iframe id="panel" title="Phone" style="width:340px;height:480px"
    src="/WebResources/cifpipe_/panel.html"></iframe></body></html>`;
}

const VALUES = {
  cifpipe_PresenceBaseUrl: "http://127.0.0.1:9",
  cifpipe_Authority: "https://127.0.0.1:9/tenant-1",
  cifpipe_ClientId: "00000000-0000-0000-0000-0000000000c1",
  cifpipe_ApiScope: "api://00000000-0000-0000-0000-0000000000c1/user_impersonation",
  cifpipe_HubName: "cifhub",
  cifpipe_RingTone: "no",
};

before(async () => {
  server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    requests.push(path);
    try {
      if (path === "/host.html" || path === "/host-missing.html") {
        const values = path === "/host.html" ? VALUES : { ...VALUES, cifpipe_ClientId: undefined };
        res.writeHead(200, { "content-type": TYPES[".html"] }).end(hostPage(values));
      } else if (path === "/WebResources/Widget/msdyn_ciLibrary.js") {
        res.writeHead(200, { "content-type": TYPES[".js"] }).end(CIF_LIBRARY);
      } else if (path.startsWith("/WebResources/cifpipe_/")) {
        const file = normalize(path.slice("/WebResources/cifpipe_/".length));
        if (file.includes("..") || file.includes("/")) throw new Error("bad path");
        const body = await readFile(join(CLIENT_DIR, "webresource", file)).catch(() =>
          readFile(join(CLIENT_DIR, "dist", file)),
        );
        res
          .writeHead(200, { "content-type": TYPES[file.slice(file.lastIndexOf("."))] || "application/octet-stream" })
          .end(body);
      } else {
        res.writeHead(404).end();
      }
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server.close(r));
});

test("panel.html reads the environment variables through window.top.Xrm, then loads the bundle once", async () => {
  const page = await browser.newPage();
  requests.length = 0;
  await page.goto(`${origin}/host.html`);
  const frame = page.frameLocator("#panel");
  await frame.locator("#cif-status").waitFor({ state: "attached" });
  const panel = page.frames().find((f) => f.url().endsWith("/WebResources/cifpipe_/panel.html"));
  await panel.waitForFunction(() => typeof window.SignalRAdaptor === "object", null, { timeout: 20_000 });
  const config = await panel.evaluate(() => window.cifAdaptorConfig);
  assert.equal(config.functionUrl, VALUES.cifpipe_PresenceBaseUrl);
  assert.equal(config.clientId, VALUES.cifpipe_ClientId);
  assert.equal(config.scopes, VALUES.cifpipe_ApiScope);
  assert.equal(config.ringTone, false);
  assert.equal(config.statusElement, "#cif-status", "panel.js's page option survives the merge");
  assert.equal(config.redirectUri, `${origin}/WebResources/cifpipe_/redirect.html`);
  const calls = await page.evaluate(() => window.xrmCalls);
  assert.equal(calls.length >= 1, true);
  assert.equal(calls[0].entity, "environmentvariabledefinition");
  assert.equal(
    requests.filter((p) => p === "/WebResources/Widget/msdyn_ciLibrary.js").length,
    1,
    "CIF library loaded once",
  );
  assert.equal(requests.filter((p) => p === "/WebResources/cifpipe_/signalRadaptor.js").length, 1);
  assert.ok(
    requests.indexOf("/WebResources/cifpipe_/settings.js") <
      requests.indexOf("/WebResources/cifpipe_/signalRadaptor.js"),
  );
  await screenshot(page, "webresource-panel");
  await page.close();
});

test("a required variable without a value: the panel names it and does not start", async () => {
  const page = await browser.newPage();
  requests.length = 0;
  await page.goto(`${origin}/host-missing.html`);
  const frame = page.frameLocator("#panel");
  const alert = frame.locator("#cif-adaptor-notice[role=alert]");
  await alert.waitFor({ timeout: 20_000 });
  assert.match(await alert.textContent(), /Ask your administrator to set cifpipe_ClientId\./);
  const panel = page.frames().find((f) => f.url().endsWith("/WebResources/cifpipe_/panel.html"));
  assert.equal(await panel.evaluate(() => typeof window.SignalRAdaptor), "undefined");
  assert.equal(requests.includes("/WebResources/cifpipe_/signalRadaptor.js"), false);
  await screenshot(page, "webresource-panel-missing-variable");
  await page.close();
});
