import { test } from "node:test";
import assert from "node:assert/strict";
import { TraceContexts } from "../src/glue/trace-context.js";

const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

test("trace context: a notify's traceparent is handed back once with its decision", () => {
  const t = new TraceContexts();
  t.remember({ notificationId: "n1~c1~a1", traceparent: TP });
  t.remember({ notificationId: "n1~c2~a1", traceparent: "not a traceparent" });
  t.remember({ notificationId: "n1~c3~a1" });
  t.remember(null);
  assert.equal(t.take("n1~c1~a1"), TP);
  assert.equal(t.take("n1~c1~a1"), undefined, "forgotten after the decision");
  assert.equal(t.take("n1~c2~a1"), undefined);
  assert.equal(t.take("n1~c3~a1"), undefined);
});

test("trace context: bounded, the oldest entries go first", () => {
  const t = new TraceContexts();
  for (let i = 0; i < 250; i++) t.remember({ notificationId: `n1~c${i}~a1`, traceparent: TP });
  assert.equal(t.take("n1~c0~a1"), undefined);
  assert.equal(t.take("n1~c249~a1"), TP);
});

test("adaptor: decide sends the notify's traceparent as an additive argument field", async () => {
  const { CifAdaptor } = await import("../src/glue/adaptor.js");
  const invoked = [];
  const handlers = {};
  const adaptor = Object.create(CifAdaptor.prototype);
  adaptor._traces = new TraceContexts();
  adaptor._offered = new Map(); // nothing offered here, so an Accept opens no customer record
  adaptor.desk = { stateOf: () => undefined }; // not ringing in this panel: decide goes straight to the hub
  adaptor.connection = {
    invoke: async (m, arg) => {
      invoked.push([m, arg]);
      return { status: "recorded" };
    },
    on: (n, h) => {
      handlers[n] = h;
    },
  };
  adaptor._traces.remember({ notificationId: "n1~c1~a1", traceparent: TP });
  await adaptor.decide("n1~c1~a1", "accept");
  await adaptor.decide("n1~c9~a1", "reject", "busy");
  // the panel's own Accept/Reject (desk → invokeDecide) takes the same path
  adaptor._traces.remember({ notificationId: "n1~c2~a1", traceparent: TP });
  await adaptor._invokeDecide({ notificationId: "n1~c2~a1", decision: "reject", reason: "wrong-skill" });
  assert.deepEqual(invoked, [
    ["decide", { notificationId: "n1~c1~a1", decision: "accept", reason: null, traceparent: TP }],
    ["decide", { notificationId: "n1~c9~a1", decision: "reject", reason: "busy" }],
    ["decide", { notificationId: "n1~c2~a1", decision: "reject", reason: "wrong-skill", traceparent: TP }],
  ]);
});
