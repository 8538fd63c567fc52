// client/webresource/settings.js (issue 23): runs as a classic script in a fake window, the way Dynamics loads it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const SOURCE = readFileSync(new URL("../webresource/settings.js", import.meta.url), "utf8");

function fakeDocument() {
  const appended = [];
  const el = (tag) => ({
    tagName: tag,
    attributes: {},
    parentNode: null,
    textContent: "",
    setAttribute(k, v) {
      this.attributes[k] = String(v);
    },
    getAttribute(k) {
      return this.attributes[k] ?? null;
    },
  });
  const head = {
    appendChild(s) {
      appended.push(s);
      s.parentNode = head;
      setTimeout(() => s.onload && s.onload(), 0);
    },
  };
  const body = {
    firstChild: null,
    insertBefore(n) {
      n.parentNode = body;
      body.firstChild = n;
    },
  };
  return {
    appended,
    head,
    body,
    currentScript: null,
    baseURI: "https://contoso.crm.dynamics.com/WebResources/cifpipe_/panel.html",
    querySelector: (sel) =>
      appended.find(
        (s) => sel === 'script[data-cifid="CIFMainLibrary"]' && s.attributes["data-cifid"] === "CIFMainLibrary",
      ) || null,
    createElement: el,
    getElementById: (id) => (body.firstChild && body.firstChild.id === id ? body.firstChild : null),
  };
}

/** Loads settings.js into a window; `top` may carry Xrm (Dynamics) and `fetch` answers /api/config (local). */
function load({ top, fetch } = {}) {
  const errors = [];
  const win = {
    document: fakeDocument(),
    location: { origin: "https://contoso.crm.dynamics.com" },
    console: { error: (...a) => errors.push(a.join(" ")) },
    fetch,
  };
  win.top = top || win;
  win.parent = win.top;
  vm.runInNewContext(SOURCE, { window: win, Promise, JSON, Object, String, Error, URL });
  return { win, api: win.CifPipeSettings, errors };
}

const DEFINITIONS = [
  {
    schemaname: "cifpipe_PresenceBaseUrl",
    defaultvalue: null,
    environmentvariabledefinition_environmentvariablevalue: [{ value: "https://func-presence.example.net" }],
  },
  {
    schemaname: "cifpipe_Authority",
    defaultvalue: null,
    environmentvariabledefinition_environmentvariablevalue: [{ value: "https://login.microsoftonline.com/tenant-1" }],
  },
  {
    schemaname: "cifpipe_ClientId",
    defaultvalue: null,
    environmentvariabledefinition_environmentvariablevalue: [{ value: " 1111-2222 " }],
  },
  {
    schemaname: "cifpipe_ApiScope",
    defaultvalue: null,
    environmentvariabledefinition_environmentvariablevalue: [{ value: "api://1111-2222/user_impersonation" }],
  },
  { schemaname: "cifpipe_HubName", defaultvalue: "cifhub", environmentvariabledefinition_environmentvariablevalue: [] },
  {
    schemaname: "cifpipe_RejectReasons",
    defaultvalue: '[{"code":"other","label":"Other"}]',
    environmentvariabledefinition_environmentvariablevalue: [{ value: '[{"code":"break","label":"Break"}]' }],
  },
  {
    schemaname: "cifpipe_ScreenPop",
    defaultvalue: '{"enabled":true}',
    environmentvariabledefinition_environmentvariablevalue: [{ value: "" }],
  },
  {
    schemaname: "cifpipe_RingTone",
    defaultvalue: "yes",
    environmentvariabledefinition_environmentvariablevalue: [{ value: "no" }],
  },
  {
    schemaname: "cifpipe_NotificationTemplate",
    defaultvalue: "cifpipe_incoming_call",
    environmentvariabledefinition_environmentvariablevalue: [],
  },
  {
    schemaname: "other_ClientId",
    defaultvalue: "not-ours",
    environmentvariabledefinition_environmentvariablevalue: [],
  },
];

function dynamicsTop(entities, calls = []) {
  return {
    Xrm: {
      WebApi: {
        retrieveMultipleRecords: async (entity, query) => {
          calls.push({ entity, query });
          return { entities };
        },
      },
    },
  };
}

test("in Dynamics: reads the definitions with their values through Xrm.WebApi of window.top; the value wins over the default", async () => {
  const calls = [];
  const { api } = load({ top: dynamicsTop(DEFINITIONS, calls) });
  const config = await api.load();
  assert.equal(calls.length, 1);
  assert.equal(calls[0].entity, "environmentvariabledefinition");
  assert.match(calls[0].query, /\$expand=environmentvariabledefinition_environmentvariablevalue\(\$select=value\)/);
  for (const name of Object.keys(api.VARIABLES)) assert.ok(calls[0].query.includes(`schemaname eq '${name}'`), name);
  assert.deepEqual(JSON.parse(JSON.stringify(config)), {
    functionUrl: "https://func-presence.example.net",
    authority: "https://login.microsoftonline.com/tenant-1",
    clientId: "1111-2222",
    scopes: "api://1111-2222/user_impersonation",
    hub: "cifhub",
    rejectReasons: [{ code: "break", label: "Break" }],
    screenPop: { enabled: true }, // empty value record: the default applies
    ringTone: false,
    notificationTemplate: "cifpipe_incoming_call",
  });
});

test("a required variable without a value is named in the agent's message; nothing is started", async () => {
  const defs = DEFINITIONS.map((d) =>
    d.schemaname === "cifpipe_ClientId" ? { ...d, environmentvariabledefinition_environmentvariablevalue: [] } : d,
  );
  const { api, win, errors } = load({ top: dynamicsTop(defs) });
  await assert.rejects(api.boot({ bundle: "signalRadaptor.js" }), /set cifpipe_ClientId\./);
  assert.match(win.document.body.firstChild.textContent, /Ask your administrator to set cifpipe_ClientId/);
  assert.equal(win.document.body.firstChild.attributes.role, "alert");
  assert.equal(win.document.appended.length, 0, "no script loaded");
  assert.equal(win.cifAdaptorConfig, undefined);
  assert.match(errors[0], /without a value: cifpipe_ClientId/);
});

test("malformed JSON and booleans name the variable", () => {
  const { api } = load({ top: dynamicsTop([]) });
  const base = {
    cifpipe_PresenceBaseUrl: "https://p",
    cifpipe_Authority: "https://a",
    cifpipe_ClientId: "c",
    cifpipe_ApiScope: "s",
  };
  assert.throws(
    () => api.toConfig({ ...base, cifpipe_RejectReasons: "[{" }),
    /cifpipe_RejectReasons is not valid JSON/,
  );
  assert.throws(() => api.toConfig({ ...base, cifpipe_RingTone: "maybe" }), /cifpipe_RingTone must be yes or no/);
  assert.equal(api.toConfig({ ...base, cifpipe_RingTone: "TRUE" }).ringTone, true);
});

test("a failing Web API query becomes a plain message", async () => {
  const top = {
    Xrm: {
      WebApi: {
        retrieveMultipleRecords: async () => {
          throw new Error("403 no read privilege");
        },
      },
    },
  };
  const { api } = load({ top });
  await assert.rejects(
    api.load(),
    (e) =>
      e.name === "SettingsError" &&
      /could not be read from Dynamics/.test(e.message) &&
      /403 no read privilege/.test(e.detail),
  );
});

test("locally (no Xrm): /api/config's environmentVariables; page settings win; CIF library not injected; bundle appended", async () => {
  const requested = [];
  const fetch = async (url) => {
    requested.push(url);
    return {
      ok: true,
      json: async () => ({
        environmentVariables: {
          cifpipe_PresenceBaseUrl: "http://localhost:7073",
          cifpipe_Authority: "http://localhost:8091/entra",
          cifpipe_ClientId: "cifpipe-panel",
          cifpipe_ApiScope: "api://cifpipe-local/user_impersonation",
          cifpipe_HubName: "cifhub",
          cifpipe_RingTone: "yes",
          cifpipe_RejectReasons: "[]",
        },
      }),
    };
  };
  const { api, win } = load({ fetch });
  win.cifAdaptorConfig = { interactionType: "popup", clientId: "pinned-by-page" };
  const merged = await api.boot({ bundle: "signalRadaptor.js" });
  assert.deepEqual(requested, ["/api/config"]);
  assert.equal(merged.functionUrl, "http://localhost:7073");
  assert.equal(merged.clientId, "pinned-by-page");
  assert.equal(merged.interactionType, "popup");
  assert.equal(win.cifAdaptorConfig, merged);
  assert.deepEqual(
    win.document.appended.map((s) => s.src),
    ["signalRadaptor.js"],
  );
});

test("in Dynamics without Microsoft.CIFramework: loads msdyn_ciLibrary.js of the org first, then the bundle", async () => {
  const { api, win } = load({ top: dynamicsTop(DEFINITIONS) });
  await api.boot({ bundle: "signalRadaptor.js" });
  assert.deepEqual(
    win.document.appended.map((s) => s.src),
    ["https://contoso.crm.dynamics.com/WebResources/Widget/msdyn_ciLibrary.js", "signalRadaptor.js"],
  );
  assert.equal(win.document.appended[0].attributes["data-crmurl"], "https://contoso.crm.dynamics.com");
  assert.equal(win.document.appended[0].attributes["data-cifid"], "CIFMainLibrary");
});

test("in Dynamics when the page already loads the CIF library (panel.js): not loaded twice", async () => {
  const { api, win } = load({ top: dynamicsTop(DEFINITIONS) });
  win.document.appended.push({ src: "../Widget/msdyn_ciLibrary.js", attributes: { "data-cifid": "CIFMainLibrary" } });
  await api.boot({ bundle: "signalRadaptor.js" });
  assert.deepEqual(
    win.document.appended.map((s) => s.src),
    ["../Widget/msdyn_ciLibrary.js", "signalRadaptor.js"],
  );
});

test("the local stack answering without environmentVariables is a clear error", async () => {
  const { api } = load({ fetch: async () => ({ ok: true, json: async () => ({}) }) });
  await assert.rejects(
    api.load(),
    (e) => /could not be loaded/.test(e.message) && /no environmentVariables/.test(e.detail),
  );
});
