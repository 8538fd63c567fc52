import { AdaptorError, ErrorKind } from "./errors.js";

/** `{functionUrl}/api/{name}` with any trailing slashes of the base trimmed. */
export function presenceUrl(functionUrl, name) {
  return `${String(functionUrl).replace(/\/+$/, "")}/api/${name}`;
}

/**
 * POSTs to the presence Function app with the agent's Entra token as Bearer (no cookies, so the app's CORS
 * allow-list needs no credentials), `body` as JSON when given, aborted after `timeoutMs`. A network failure or
 * the timeout becomes an AdaptorError NETWORK with `userMessage` and `hint` (what to check); any HTTP answer is
 * returned for the caller to read.
 */
export async function postToPresence({ endpoint, what, accessToken, body, fetchImpl, timeoutMs, userMessage, hint }) {
  const controller = typeof AbortController === "function" ? new AbortController() : null;
  const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : null;
  const headers = { Authorization: `Bearer ${accessToken}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    return await fetchImpl(endpoint, {
      method: "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      signal: controller ? controller.signal : undefined,
    });
  } catch (err) {
    const timedOut = err && err.name === "AbortError";
    throw new AdaptorError(
      ErrorKind.NETWORK,
      userMessage,
      `${what} ${endpoint} ${timedOut ? `timed out after ${timeoutMs} ms` : `failed: ${err && err.message}`}${hint}`,
      { cause: err },
    );
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * The problem+json (or any) body of a refusal; never throws. `summary` is "title: detail" (or the raw text),
 * `text` adds the problem type, `fields` holds {type, title, detail} when the body was a JSON object.
 */
export async function readProblem(response) {
  let text = "";
  try {
    text = await response.text();
  } catch {
    return { fields: null, summary: "", text: "" };
  }
  if (!text) return { fields: null, summary: "", text: "" };
  try {
    const p = JSON.parse(text);
    if (p && typeof p === "object") {
      const fields = { type: str(p.type), title: str(p.title), detail: str(p.detail) };
      const summary = [fields.title, fields.detail].filter(Boolean).join(": ").slice(0, 300);
      return { fields, summary, text: summary + (fields.type ? ` (${fields.type})` : "") };
    }
  } catch {
    /* not JSON */
  }
  const raw = text.slice(0, 300);
  return { fields: null, summary: raw, text: raw };
}

function str(v) {
  return typeof v === "string" ? v : undefined;
}
