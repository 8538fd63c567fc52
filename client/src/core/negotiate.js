import { AdaptorError, ErrorKind } from "./errors.js";
import { postToPresence, presenceUrl, readProblem } from "./presence-http.js";

/**
 * Asks the presence Function app for a SignalR connection: `POST {functionUrl}/api/negotiate` with
 * the agent's Entra token as Bearer. The app validates the token itself and binds the SignalR user
 * id to the token's object id, so nothing user-identifying is sent besides the token.
 * Answers {url, accessToken}; every failure becomes an AdaptorError in plain words.
 *
 * @param {{functionUrl: string, accessToken: string, fetch?: typeof fetch, timeoutMs?: number}} args
 * @returns {Promise<{url: string, accessToken: string}>}
 */
export async function negotiate({ functionUrl, accessToken, fetch: fetchImpl = globalThis.fetch, timeoutMs = 15000 }) {
  const endpoint = negotiateUrl(functionUrl);
  const response = await postToPresence({
    endpoint,
    what: "negotiate",
    accessToken,
    fetchImpl,
    timeoutMs,
    userMessage: "The call service cannot be reached. Check your network; we will keep trying.",
    hint: " (a CORS refusal looks the same: is this page's origin allowed by the Function app?)",
  });

  if (response.status === 401) {
    throw new AdaptorError(
      ErrorKind.TOKEN_EXPIRED,
      "Your sign-in was not accepted by the call service. Retrying with a fresh sign-in.",
      `negotiate ${endpoint} answered 401 ${await problemDetail(response)}`,
      { status: 401 },
    );
  }
  if (response.status === 403) {
    throw new AdaptorError(
      ErrorKind.FORBIDDEN,
      "Your account is not allowed to receive calls here. Ask your administrator to grant access.",
      `negotiate ${endpoint} answered 403 ${await problemDetail(response)}`,
      { status: 403 },
    );
  }
  if (response.status === 404) {
    throw new AdaptorError(
      ErrorKind.CONFIG,
      "The call service address is wrong. Ask your administrator to check the adaptor settings.",
      `negotiate ${endpoint} answered 404: is AdaptorFunctionUrl the presence Function app's base URL?`,
      { status: 404 },
    );
  }
  if (response.status !== 200) {
    throw new AdaptorError(
      ErrorKind.SERVER,
      "The call service is not available right now; we will keep trying.",
      `negotiate ${endpoint} answered ${response.status} ${await problemDetail(response)}`,
      { status: response.status },
    );
  }
  let body;
  try {
    body = await response.json();
  } catch (err) {
    throw new AdaptorError(
      ErrorKind.SERVER,
      "The call service gave an answer we cannot read; we will keep trying.",
      `negotiate ${endpoint}: body is not JSON`,
      { cause: err },
    );
  }
  if (!body || typeof body.url !== "string" || !body.url || typeof body.accessToken !== "string" || !body.accessToken) {
    throw new AdaptorError(
      ErrorKind.SERVER,
      "The call service gave an answer we cannot read; we will keep trying.",
      `negotiate ${endpoint}: expected {url, accessToken}, got keys [${body && typeof body === "object" ? Object.keys(body).join(", ") : typeof body}]`,
    );
  }
  return { url: body.url, accessToken: body.accessToken };
}

export function negotiateUrl(functionUrl) {
  return presenceUrl(functionUrl, "negotiate");
}

async function problemDetail(response) {
  return (await readProblem(response)).summary;
}

/** Seconds-since-epoch `exp` of a JWT, or undefined; the token is not verified (the server does that). */
export function jwtExpiry(token) {
  try {
    const part = String(token).split(".")[1];
    if (!part) return undefined;
    const json = decodeBase64Url(part);
    const exp = JSON.parse(json).exp;
    return typeof exp === "number" ? exp : undefined;
  } catch {
    return undefined;
  }
}

function decodeBase64Url(s) {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  if (typeof atob === "function") {
    const bin = atob(b64);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  }
  return Buffer.from(b64, "base64").toString("utf8");
}
