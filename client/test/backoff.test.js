import { test } from "node:test";
import assert from "node:assert/strict";
import { createBackoff } from "../src/core/backoff.js";

test("ceiling doubles from initialMs and is capped at maxMs", () => {
  const b = createBackoff({ initialMs: 1000, maxMs: 30000 });
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 50, 5000].map(b.ceiling),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000],
  );
});

test("jitter stays within [ceiling/2, ceiling] for the extreme random values", () => {
  for (const r of [0, 0.25, 0.5, 0.999999, 1]) {
    const b = createBackoff({ initialMs: 1000, maxMs: 30000, random: () => r });
    for (let n = 0; n < 12; n++) {
      const d = b.delay(n);
      assert.ok(d >= b.ceiling(n) / 2 && d <= b.ceiling(n), `attempt ${n} r=${r} gave ${d}`);
    }
  }
  assert.equal(createBackoff({ random: () => 0 }).delay(3), 4000);
  assert.equal(createBackoff({ random: () => 1 }).delay(3), 8000);
  assert.equal(createBackoff({ random: () => 1 }).delay(99), 30000);
});

test("with Math.random the delays spread out (agents do not reconnect in lock-step)", () => {
  const b = createBackoff({ initialMs: 1000, maxMs: 30000 });
  const delays = new Set(Array.from({ length: 50 }, () => b.delay(4)));
  assert.ok(delays.size > 10, `only ${delays.size} distinct delays`);
  for (const d of delays) assert.ok(d >= 8000 && d <= 16000);
});

test("rejects nonsense settings", () => {
  assert.throws(() => createBackoff({ initialMs: 0 }), RangeError);
  assert.throws(() => createBackoff({ initialMs: 5000, maxMs: 1000 }), RangeError);
  assert.throws(() => createBackoff({ factor: 0.5 }), RangeError);
});
