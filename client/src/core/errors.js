/**
 * An error with two faces: `userMessage` is what the agent reads (plain words, no codes),
 * `message`/`cause` are details for the console. `kind` drives retry decisions.
 */
export class AdaptorError extends Error {
  /**
   * @param {string} kind one of ErrorKind
   * @param {string} userMessage plain words for the agent
   * @param {string} [detail] technical detail for the console (never a token)
   * @param {{cause?: unknown, status?: number}} [options]
   */
  constructor(kind, userMessage, detail, options = {}) {
    super(detail || userMessage, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "AdaptorError";
    this.kind = kind;
    this.userMessage = userMessage;
    if (options.status !== undefined) this.status = options.status;
  }
  /** Whether retrying later without the agent doing anything can help. */
  get retryable() {
    return this.kind === ErrorKind.NETWORK || this.kind === ErrorKind.SERVER || this.kind === ErrorKind.TOKEN_EXPIRED;
  }
}

export const ErrorKind = Object.freeze({
  CONFIG: "config", // the administrator must fix configuration
  SIGN_IN_REQUIRED: "sign-in", // the agent must sign in interactively
  FORBIDDEN: "forbidden", // signed in but not allowed (role/scope missing)
  TOKEN_EXPIRED: "token-expired", // token rejected as stale: get a fresh one and retry
  NETWORK: "network", // unreachable / timed out / CORS refusal
  SERVER: "server", // 5xx or malformed answer
});

/** Turns anything thrown into an AdaptorError (keeps AdaptorErrors as they are). */
export function toAdaptorError(
  err,
  fallbackUserMessage = "Something went wrong while connecting to the call service.",
) {
  if (err instanceof AdaptorError) return err;
  const detail = err && err.message ? err.message : String(err);
  return new AdaptorError(ErrorKind.NETWORK, fallbackUserMessage, detail, { cause: err });
}
