import { test } from "node:test";
import assert from "node:assert/strict";
import { normaliseConfig, normaliseScopes, readDynamicsConfig, loadConfig } from "../src/glue/config.js";
import { parseAnswer, templateParameters, correlationId } from "../src/glue/cif-popup.js";
import { resolveAuthority } from "../src/glue/msal-auth.js";
import { ErrorKind } from "../src/core/errors.js";

const base = {
  functionUrl: "https://presence.example.net/",
  clientId: "11111111-2222-3333-4444-555555555555",
  authority: "https://login.microsoftonline.com/contoso.onmicrosoft.com",
  scopes: "functionuser",
};

test("config: seed names accepted, bare Scope expanded to api://{clientId}/{scope}, URLs normalised", () => {
  const c = normaliseConfig(base, { pageUrl: "https://org.crm.dynamics.com/WebResources/cifpipe_/panel.html" });
  assert.equal(c.functionUrl, "https://presence.example.net");
  assert.deepEqual(c.scopes, ["api://11111111-2222-3333-4444-555555555555/functionuser"]);
  assert.equal(
    c.redirectUri,
    "https://org.crm.dynamics.com/WebResources/cifpipe_/redirect.html",
    "the relay page next to the panel",
  );
  assert.equal(c.interactionType, "popup");
  assert.equal(c.autoStart, true);
  assert.deepEqual(normaliseScopes("api://x/a.read, openid https://graph.microsoft.com/User.Read", "id"), [
    "api://x/a.read",
    "openid",
    "https://graph.microsoft.com/User.Read",
  ]);
});

test("config: missing or malformed settings are CONFIG errors in plain words", () => {
  for (const raw of [
    null,
    {},
    { ...base, functionUrl: "" },
    { ...base, authority: "not a url" },
    { ...base, scopes: [] },
    { ...base, functionUrl: "ftp://x" },
  ]) {
    const err = (() => {
      try {
        normaliseConfig(raw);
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err, JSON.stringify(raw));
    assert.equal(err.kind, ErrorKind.CONFIG);
    assert.match(err.userMessage, /administrator/);
  }
});

test("Dynamics: environment variables read through Xrm.WebApi, current value wins over default, prefixes allowed", async () => {
  let asked;
  const xrm = {
    WebApi: {
      retrieveMultipleRecords: async (entity, query) => {
        asked = { entity, query };
        return {
          entities: [
            {
              schemaname: "new_ClientId",
              defaultvalue: "default-client",
              environmentvariabledefinition_environmentvariablevalue: [{ value: "current-client" }],
            },
            {
              schemaname: "new_AdaptorFunctionUrl",
              defaultvalue: "https://fn.example.net",
              environmentvariabledefinition_environmentvariablevalue: [],
            },
            {
              schemaname: "new_Authority",
              defaultvalue: "https://login.microsoftonline.com/tenant",
              environmentvariabledefinition_environmentvariablevalue: [],
            },
            {
              schemaname: "new_Scope",
              defaultvalue: "functionuser",
              environmentvariabledefinition_environmentvariablevalue: [{ value: "" }],
            },
            { schemaname: "other_SomethingClientId", defaultvalue: "wrong" },
          ],
        };
      },
    },
  };
  const raw = await readDynamicsConfig(xrm);
  assert.equal(asked.entity, "environmentvariabledefinition");
  assert.match(asked.query, /environmentvariabledefinition_environmentvariablevalue/);
  assert.deepEqual(raw, {
    clientId: "current-client",
    functionUrl: "https://fn.example.net",
    authority: "https://login.microsoftonline.com/tenant",
    scopes: "functionuser",
  });
  const win = { Xrm: xrm, location: { href: "https://org.crm.dynamics.com/WebResources/p.html" } };
  const c = await loadConfig(win);
  assert.deepEqual(c.scopes, ["api://current-client/functionuser"]);
  const pageWins = await loadConfig({ ...win, cifAdaptorConfig: { ...base } });
  assert.equal(pageWins.clientId, base.clientId, "a complete page config does not query Dynamics");
});

test("CIF: answers parsed from object or JSON string; anything else is a timeout", () => {
  assert.deepEqual(parseAnswer({ value: { actionName: "Accept", responseReason: "Accept" } }), {
    action: "accept",
    reason: "Accept",
  });
  assert.deepEqual(
    parseAnswer(JSON.stringify({ value: { actionName: "Reject", responseReason: "DeclinedByAgent" } })),
    { action: "reject", reason: "DeclinedByAgent" },
  );
  assert.deepEqual(parseAnswer({ value: { actionName: "Timeout", responseReason: "DisplayTimeout" } }), {
    action: "timeout",
    reason: "DisplayTimeout",
  });
  assert.deepEqual(
    parseAnswer({ value: { actionName: "Reject", responseReason: "NotificationQueueLimitExceeded" } }).action,
    "reject",
  );
  assert.equal(parseAnswer(undefined).action, "timeout");
  assert.equal(parseAnswer({ value: { actionName: "Cancel", responseReason: "CancelEvent" } }).action, "dismissed");
});

test("CIF: template parameters carry caller, queue, context and the remaining seconds; trace id becomes the correlation id", () => {
  const n = {
    notificationId: "n1",
    callId: "c1",
    callerName: "Ada",
    callerNumber: "+1",
    calledNumber: "+2",
    queue: "Q",
    customerContext: { tier: "gold", account: "A-1" },
    expiresAt: "2030-01-01T00:00:00Z",
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  };
  const p = templateParameters(n, 12_300);
  assert.equal(p.caller, "Ada (+1)");
  assert.equal(p.countdown, 13);
  assert.equal(p.customerContext, "tier: gold, account: A-1");
  assert.equal(p.queue, "Q");
  assert.equal(correlationId(n), "0af76519-16cd-43dd-8448-eb211c80319c");
  assert.match(correlationId({}), /^[0-9a-f-]{36}$/);
  assert.equal(templateParameters({ notificationId: "x" }, 0).caller, "Unknown caller");
});

test("authority: Entra passes through in AAD mode; other https providers use OIDC mode as known authorities", async () => {
  const noFetch = async () => {
    throw new Error("must not fetch");
  };
  assert.deepEqual(await resolveAuthority({ authority: base.authority }, noFetch), {
    authority: base.authority,
    knownAuthorities: [],
    protocolMode: "AAD",
    authorityMetadata: undefined,
  });
  const oidc = await resolveAuthority({ authority: "https://id.example.org/realms/cc" }, noFetch);
  assert.equal(oidc.protocolMode, "OIDC");
  assert.deepEqual(oidc.knownAuthorities, ["id.example.org"]);
});

test("authority: local http provider → discovery fetched here, metadata handed to MSAL; remote http refused", async () => {
  const metadata = {
    issuer: "http://localhost:8091/entra",
    authorization_endpoint: "http://localhost:8091/entra/authorize",
    token_endpoint: "http://localhost:8091/entra/token",
    jwks_uri: "http://localhost:8091/entra/jwks",
  };
  let fetched;
  const r = await resolveAuthority({ authority: "http://localhost:8091/entra" }, async (url) => {
    fetched = url;
    return new Response(JSON.stringify(metadata), { status: 200 });
  });
  assert.equal(fetched, "http://localhost:8091/entra/.well-known/openid-configuration");
  assert.equal(r.authority, "https://localhost:8091/entra");
  assert.deepEqual(r.knownAuthorities, ["localhost:8091"]);
  assert.equal(r.protocolMode, "OIDC");
  assert.deepEqual(JSON.parse(r.authorityMetadata), metadata);
  await assert.rejects(
    resolveAuthority({ authority: "http://idp.example.org/x" }, async () => {
      throw new Error("no");
    }),
    (e) => e.kind === ErrorKind.CONFIG,
  );
  await assert.rejects(
    resolveAuthority({ authority: "http://localhost:1/x" }, async () => new Response("{}", { status: 200 })),
    (e) => e.kind === ErrorKind.CONFIG,
  );
  await assert.rejects(
    resolveAuthority({ authority: "http://localhost:1/x" }, async () => {
      throw new TypeError("Failed to fetch");
    }),
    (e) => e.kind === ErrorKind.NETWORK,
  );
});

test("adaptor: a failing registration shows amber 'not yet registered' with a notice; registered clears it; refused stays green", async () => {
  const { CifAdaptor } = await import("../src/glue/adaptor.js");
  const { describeStatus } = await import("../src/glue/indicator.js");
  const { ConnectionState, RegistrationStatus } = await import("../src/core/connection-manager.js");
  const calls = [];
  let shown = { state: ConnectionState.DISCONNECTED, registration: null };
  const indicator = {
    setState: (state) => {
      shown = { ...shown, state };
    },
    setRegistration: (registration) => {
      shown = { ...shown, registration };
    },
    notice: (level, text) => calls.push(["notice", level, text]),
    clearNotice: () => calls.push(["clear"]),
    showSignIn: () => calls.push(["signIn"]),
    hideSignIn: () => {},
  };
  const win = {
    fetch: async () => {
      throw new Error("no network in this test");
    },
    document: {},
  };
  const config = { functionUrl: "http://fn", notificationTemplate: "t", reconnect: {} };
  const adaptor = new CifAdaptor(config, {
    win,
    indicator,
    popup: {},
    tokenProvider: { getAccessToken: async () => "t" },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  adaptor._showState(ConnectionState.CONNECTED, {});
  adaptor._showRegistration({ connectionId: "c1", status: RegistrationStatus.PENDING });
  assert.equal(describeStatus(shown.state, shown.registration).colour, "green");
  assert.equal(calls.length, 0);
  adaptor._showRegistration({ connectionId: "c1", status: RegistrationStatus.RETRYING, retryInMs: 4000 });
  const view = describeStatus(shown.state, shown.registration);
  assert.deepEqual(
    [view.colour, view.label, view.registration],
    ["amber", "Connected, not yet registered for calls…", "retrying"],
  );
  assert.deepEqual(calls.at(-1), [
    "notice",
    "warning",
    "You are connected, but the call service has not registered this window for calls yet; we will keep trying. Next try in 4 s.",
  ]);
  adaptor._showRegistration({ connectionId: "c1", status: RegistrationStatus.REGISTERED });
  assert.deepEqual(calls.at(-1), ["clear"]);
  assert.equal(describeStatus(shown.state, shown.registration).colour, "green");
  adaptor._showRegistration({
    connectionId: "c2",
    status: RegistrationStatus.REJECTED,
    error: { kind: ErrorKind.FORBIDDEN },
  });
  assert.equal(describeStatus(shown.state, shown.registration).label, "Connected: ready for calls");
  adaptor._showRegistration({
    connectionId: "c3",
    status: RegistrationStatus.REJECTED,
    error: { kind: ErrorKind.SIGN_IN_REQUIRED, userMessage: "Please sign in." },
  });
  assert.deepEqual(calls.slice(-2), [["notice", "warning", "Please sign in."], ["signIn"]]);
  assert.equal(
    describeStatus(ConnectionState.RECONNECTING, { status: RegistrationStatus.RETRYING }).label,
    "Reconnecting…",
    "registration only matters while connected",
  );
});
