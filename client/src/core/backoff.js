/**
 * Capped exponential back-off with "equal jitter": attempt n waits a random time in
 * [ceiling/2, ceiling] where ceiling = min(maxMs, initialMs * factor^n). Half the delay is
 * guaranteed (no thundering herd of instant retries after a server restart), the other half is
 * random (agents' tabs spread out instead of reconnecting in lock-step).
 */
export function createBackoff({ initialMs = 1000, maxMs = 30000, factor = 2, random = Math.random } = {}) {
  if (!(initialMs > 0) || !(maxMs >= initialMs) || !(factor >= 1)) {
    throw new RangeError(`invalid back-off settings: initialMs=${initialMs} maxMs=${maxMs} factor=${factor}`);
  }
  /** Upper bound of the delay before retry number `attempt` (0-based). */
  function ceiling(attempt) {
    const n = Math.max(0, Math.floor(attempt));
    // Math.pow overflows to Infinity for big n; min() then caps it.
    return Math.min(maxMs, initialMs * Math.pow(factor, n));
  }
  function delay(attempt) {
    const c = ceiling(attempt);
    const r = Math.min(Math.max(random(), 0), 1);
    return Math.round(c / 2 + r * (c / 2));
  }
  return { delay, ceiling, initialMs, maxMs };
}
