import { AdaptorError, ErrorKind } from "./errors.js";
import { postToPresence, presenceUrl, readProblem } from "./presence-http.js";

/**
 * Tells the presence Function app "this SignalR connection is mine and up":
 * `POST {functionUrl}/api/userclient`, Bearer = the same Entra token negotiate uses,
 * body `{"connectionId": "<SignalR connection id>"}`. The app confirms (refreshes) a connection it
 * already holds for the token's user, or registers it after SignalR Service confirms the caller owns
 * it; anything else is 403. Needed because the service's upstream `connected` event is fire-and-forget:
 * if presence missed it, the agent would look connected but never get calls. Idempotent.
 *
 * Answers {userId, connectionId}; every failure becomes an AdaptorError: NETWORK/SERVER (retry later;
 * `retryAfterMs` when the server said so), TOKEN_EXPIRED (401: fresh token, retry), FORBIDDEN/CONFIG
 * (403 or another 4xx: do not retry for this connection). `problem` holds the RFC 9457 title/detail/type.
 *
 * @param {{functionUrl: string, accessToken: string, connectionId: string, fetch?: typeof fetch, timeoutMs?: number}} args
 * @returns {Promise<{userId: string|null, connectionId: string}>}
 */
export async function registerConnection({
  functionUrl,
  accessToken,
  connectionId,
  fetch: fetchImpl = globalThis.fetch,
  timeoutMs = 15000,
}) {
  if (typeof connectionId !== "string" || !connectionId)
    throw new TypeError("registerConnection needs the SignalR connectionId");
  const endpoint = userClientUrl(functionUrl);
  const response = await postToPresence({
    endpoint,
    what: "userclient",
    accessToken,
    body: { connectionId },
    fetchImpl,
    timeoutMs,
    userMessage: "The call service cannot be reached to register this window; we will keep trying.",
    hint: " (a CORS refusal looks the same: does the Function app allow this origin and the Content-Type header?)",
  });

  const status = response.status;
  if (status >= 200 && status < 300) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    } // 2xx is the answer; the body is a courtesy
    return {
      userId: body && typeof body.userId === "string" ? body.userId : null,
      connectionId: body && typeof body.connectionId === "string" ? body.connectionId : connectionId,
    };
  }
  const problem = await readProblem(response);
  const said = `userclient ${endpoint} answered ${status}${problem.text ? ` ${problem.text}` : ""}`;
  const extra = { status };
  let error;
  if (status === 401) {
    error = new AdaptorError(
      ErrorKind.TOKEN_EXPIRED,
      "Your sign-in was not accepted by the call service. Retrying with a fresh sign-in.",
      said,
      extra,
    );
  } else if (status === 408 || status === 429 || status >= 500) {
    error = new AdaptorError(
      ErrorKind.SERVER,
      "The call service could not register this window yet; we will keep trying.",
      said,
      extra,
    );
    const retryAfterMs = parseRetryAfter(
      response.headers && response.headers.get ? response.headers.get("Retry-After") : null,
    );
    if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  } else if (status === 403) {
    error = new AdaptorError(
      ErrorKind.FORBIDDEN,
      "The call service refused to register this window for calls.",
      said,
      extra,
    );
  } else {
    error = new AdaptorError(
      ErrorKind.CONFIG,
      "The call service refused to register this window for calls. Ask your administrator to check the adaptor settings.",
      status === 404
        ? `${said}: does the presence Function app (AdaptorFunctionUrl) have the userclient function?`
        : said,
      extra,
    );
  }
  error.problem = problem.fields;
  throw error;
}

export function userClientUrl(functionUrl) {
  return presenceUrl(functionUrl, "userclient");
}

/** Retry-After as milliseconds (delta-seconds or HTTP date), or undefined. Cross-origin it is readable only if exposed. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value === null || value === undefined || value === "") return undefined;
  const s = String(value).trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
