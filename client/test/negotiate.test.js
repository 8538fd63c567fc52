import { test } from "node:test";
import assert from "node:assert/strict";
import { negotiate, negotiateUrl, jwtExpiry } from "../src/core/negotiate.js";
import { AdaptorError, ErrorKind } from "../src/core/errors.js";
import { fakeJwt } from "./fakes.js";

function fetchReturning(status, body, seen = []) {
  return async (url, init) => {
    seen.push({ url, init });
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { "content-type": "application/json" } });
  };
}

test("POSTs to {functionUrl}/api/negotiate with the bearer token and returns {url, accessToken}", async () => {
  const seen = [];
  const r = await negotiate({
    functionUrl: "http://fn.example/",
    accessToken: "entra-token",
    fetch: fetchReturning(200, { url: "http://sr/client/?hub=cifhub", accessToken: "sr-token", extra: 1 }, seen),
  });
  assert.deepEqual(r, { url: "http://sr/client/?hub=cifhub", accessToken: "sr-token" });
  assert.equal(seen[0].url, "http://fn.example/api/negotiate");
  assert.equal(seen[0].init.method, "POST");
  assert.equal(seen[0].init.headers.Authorization, "Bearer entra-token");
  assert.equal(seen[0].init.credentials, "omit");
});

test("maps HTTP failures to plain-words errors of the right kind", async () => {
  const cases = [
    [401, ErrorKind.TOKEN_EXPIRED],
    [403, ErrorKind.FORBIDDEN],
    [404, ErrorKind.CONFIG],
    [500, ErrorKind.SERVER],
    [503, ErrorKind.SERVER],
  ];
  for (const [status, kind] of cases) {
    const err = await negotiate({
      functionUrl: "http://fn",
      accessToken: "t",
      fetch: fetchReturning(status, { title: "Nope", detail: "because" }),
    }).catch((e) => e);
    assert.ok(err instanceof AdaptorError, `status ${status}`);
    assert.equal(err.kind, kind, `status ${status}`);
    assert.equal(err.status, status);
    assert.doesNotMatch(err.userMessage, /\d{3}/, "no status codes in what the agent reads");
    assert.match(err.message, new RegExp(String(status)), "details keep the status for the console");
  }
});

test("network failure and malformed bodies are retryable errors; the token never appears in messages", async () => {
  const down = await negotiate({
    functionUrl: "http://fn",
    accessToken: "secret-token",
    fetch: async () => {
      throw new TypeError("Failed to fetch");
    },
  }).catch((e) => e);
  assert.equal(down.kind, ErrorKind.NETWORK);
  assert.ok(down.retryable);
  const bad = await negotiate({
    functionUrl: "http://fn",
    accessToken: "secret-token",
    fetch: fetchReturning(200, { url: "x" }),
  }).catch((e) => e);
  assert.equal(bad.kind, ErrorKind.SERVER);
  const notJson = await negotiate({
    functionUrl: "http://fn",
    accessToken: "secret-token",
    fetch: fetchReturning(200, "<html>"),
  }).catch((e) => e);
  assert.equal(notJson.kind, ErrorKind.SERVER);
  for (const e of [down, bad, notJson]) assert.doesNotMatch(`${e.message} ${e.userMessage}`, /secret-token/);
});

test("times out a hanging negotiate", async () => {
  const hanging = (url, init) =>
    new Promise((_, reject) =>
      init.signal.addEventListener("abort", () => {
        const e = new Error("aborted");
        e.name = "AbortError";
        reject(e);
      }),
    );
  const err = await negotiate({ functionUrl: "http://fn", accessToken: "t", fetch: hanging, timeoutMs: 30 }).catch(
    (e) => e,
  );
  assert.equal(err.kind, ErrorKind.NETWORK);
  assert.match(err.message, /timed out after 30 ms/);
});

test("negotiateUrl trims trailing slashes; jwtExpiry reads exp without verifying", () => {
  assert.equal(negotiateUrl("https://x.azurewebsites.net///"), "https://x.azurewebsites.net/api/negotiate");
  assert.equal(jwtExpiry(fakeJwt({ exp: 1234 })), 1234);
  assert.equal(jwtExpiry("not-a-jwt"), undefined);
  assert.equal(jwtExpiry(fakeJwt({ sub: "x" })), undefined);
});
