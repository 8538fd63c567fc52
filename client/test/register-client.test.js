import { test } from "node:test";
import assert from "node:assert/strict";
import { registerConnection, userClientUrl, parseRetryAfter } from "../src/core/register-client.js";
import { AdaptorError, ErrorKind } from "../src/core/errors.js";

function fetchReturning(status, body, { headers = {}, seen = [] } = {}) {
  return async (url, init) => {
    seen.push({ url, init });
    const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, {
      status,
      headers: { "content-type": status === 200 ? "application/json" : "application/problem+json", ...headers },
    });
  };
}

test("POSTs {connectionId} as JSON to {functionUrl}/api/userclient with the bearer token; answers {userId, connectionId}", async () => {
  const seen = [];
  const r = await registerConnection({
    functionUrl: "http://fn.example/",
    accessToken: "entra-token",
    connectionId: "abc-123",
    fetch: fetchReturning(200, { userId: "oid-1", connectionId: "abc-123" }, { seen }),
  });
  assert.deepEqual(r, { userId: "oid-1", connectionId: "abc-123" });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].url, "http://fn.example/api/userclient");
  assert.equal(seen[0].init.method, "POST");
  assert.deepEqual(seen[0].init.headers, { Authorization: "Bearer entra-token", "Content-Type": "application/json" });
  assert.equal(seen[0].init.body, JSON.stringify({ connectionId: "abc-123" }));
  assert.equal(seen[0].init.credentials, "omit");
  assert.equal(userClientUrl("https://x.azurewebsites.net//"), "https://x.azurewebsites.net/api/userclient");
});

test("failure classes: 401 refresh, 5xx/429/408 retry (Retry-After read), 403 and other 4xx refuse with the problem's title/detail", async () => {
  const cases = [
    [401, ErrorKind.TOKEN_EXPIRED, true],
    [500, ErrorKind.SERVER, true],
    [503, ErrorKind.SERVER, true],
    [429, ErrorKind.SERVER, true],
    [408, ErrorKind.SERVER, true],
    [403, ErrorKind.FORBIDDEN, false],
    [400, ErrorKind.CONFIG, false],
    [404, ErrorKind.CONFIG, false],
  ];
  for (const [status, kind, retryable] of cases) {
    const err = await registerConnection({
      functionUrl: "http://fn",
      accessToken: "secret-token",
      connectionId: "c1",
      fetch: fetchReturning(
        status,
        { type: "urn:cifpipe:problem:x", title: "Nope", detail: "because reasons" },
        { headers: { "Retry-After": "5" } },
      ),
    }).catch((e) => e);
    assert.ok(err instanceof AdaptorError, `status ${status}`);
    assert.equal(err.kind, kind, `status ${status}`);
    assert.equal(err.retryable, retryable, `status ${status}`);
    assert.equal(err.status, status);
    assert.deepEqual(err.problem, { type: "urn:cifpipe:problem:x", title: "Nope", detail: "because reasons" });
    assert.match(err.message, new RegExp(`answered ${status} Nope: because reasons`));
    assert.doesNotMatch(`${err.message} ${err.userMessage}`, /secret-token/);
    if (kind === ErrorKind.SERVER) assert.equal(err.retryAfterMs, 5000);
  }
});

test("network failure and timeout are retryable NETWORK errors; a 200 with an unreadable body still counts as registered", async () => {
  const down = await registerConnection({
    functionUrl: "http://fn",
    accessToken: "secret-token",
    connectionId: "c1",
    fetch: async () => {
      throw new TypeError("Failed to fetch");
    },
  }).catch((e) => e);
  assert.equal(down.kind, ErrorKind.NETWORK);
  assert.ok(down.retryable);
  assert.doesNotMatch(down.message, /secret-token/);
  const hanging = (url, init) =>
    new Promise((_, reject) =>
      init.signal.addEventListener("abort", () => {
        const e = new Error("aborted");
        e.name = "AbortError";
        reject(e);
      }),
    );
  const slow = await registerConnection({
    functionUrl: "http://fn",
    accessToken: "t",
    connectionId: "c1",
    fetch: hanging,
    timeoutMs: 30,
  }).catch((e) => e);
  assert.equal(slow.kind, ErrorKind.NETWORK);
  assert.match(slow.message, /timed out after 30 ms/);
  assert.deepEqual(
    await registerConnection({
      functionUrl: "http://fn",
      accessToken: "t",
      connectionId: "c1",
      fetch: fetchReturning(200, ""),
    }),
    { userId: null, connectionId: "c1" },
  );
  await assert.rejects(
    registerConnection({
      functionUrl: "http://fn",
      accessToken: "t",
      connectionId: "",
      fetch: fetchReturning(200, {}),
    }),
    TypeError,
  );
});

test("Retry-After: seconds or HTTP date", () => {
  assert.equal(parseRetryAfter("7"), 7000);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter("soon"), undefined);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(parseRetryAfter(new Date(0).toUTCString(), 4_000), 0);
});
