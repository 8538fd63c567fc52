/**
 * The call card the panel draws itself when the CIF notification cannot carry the call: the notification
 * template is missing, CIF refused or queued it out, or the template's msdyn_timeout closed it before the ring
 * window. The call stays answerable here until the ring window ends (the rule in client/README.md,
 * "Ring window and template timeout"). A named alertdialog (takes focus only when the panel has it), Accept/Reject its first tab
 * stops, the countdown visible but announced politely and only twice (start, 10 s left).
 */
let seq = 0;

export function createPanelCallCards({ doc, anchor }) {
  function area() {
    let box = doc.getElementById("cif-adaptor-calls");
    if (!box) {
      box = doc.createElement("div");
      box.id = "cif-adaptor-calls";
      box.className = "cif-adaptor-calls";
      const after = typeof anchor === "string" ? doc.querySelector(anchor) : anchor;
      if (after && after.parentNode) after.parentNode.insertBefore(box, after.nextSibling);
      else (doc.body || doc.documentElement).appendChild(box);
      injectStyle(doc);
    }
    return box;
  }

  function announcer() {
    let live = doc.getElementById("cif-adaptor-call-announcer");
    if (!live) {
      live = doc.createElement("div");
      live.id = "cif-adaptor-call-announcer";
      live.className = "cif-adaptor-vh";
      live.setAttribute("aria-live", "polite");
      (doc.body || doc.documentElement).appendChild(live);
    }
    return live;
  }

  return {
    /**
     * @param {{caller: string, details: string[], message: string, remainingMs: number, onAction: (action: "accept"|"reject") => void}} o
     * @returns {{close: () => void, node: Element}}
     */
    show({ caller, details = [], message, remainingMs, onAction }) {
      const id = `cif-adaptor-call-${++seq}`;
      const card = doc.createElement("section");
      card.className = "cif-adaptor-call";
      card.id = id;
      card.setAttribute("role", "alertdialog");
      card.setAttribute("aria-labelledby", `${id}-title`);
      card.setAttribute("aria-describedby", `${id}-msg`);
      const title = doc.createElement("h2");
      title.id = `${id}-title`;
      title.textContent = `Incoming call: ${caller}`;
      const msg = doc.createElement("p");
      msg.id = `${id}-msg`;
      msg.className = "cif-adaptor-call__msg";
      msg.textContent = message;
      const facts = doc.createElement("p");
      facts.className = "cif-adaptor-call__facts";
      facts.textContent = details.filter(Boolean).join(" · ");
      const count = doc.createElement("span");
      count.className = "cif-adaptor-call__count";
      count.setAttribute("aria-hidden", "true");
      const actions = doc.createElement("div");
      actions.className = "cif-adaptor-call__actions";
      const accept = doc.createElement("button");
      accept.type = "button";
      accept.className = "cif-adaptor-call__accept";
      accept.textContent = "Accept";
      const reject = doc.createElement("button");
      reject.type = "button";
      reject.className = "cif-adaptor-call__reject";
      reject.textContent = "Reject";
      actions.append(accept, reject);
      card.append(title, msg, facts, actions, count);
      area().appendChild(card);

      let closed = false;
      const deadline = Date.now() + Math.max(0, remainingMs);
      let said10 = false;
      const tick = () => {
        const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
        count.textContent = `Rings for ${left} s more`;
        if (!said10 && left <= 10 && remainingMs > 15000) {
          said10 = true;
          say(`10 seconds left to answer the call from ${caller}.`);
        }
      };
      const timer = setInterval(tick, 1000);
      tick();
      const say = (text) => {
        const live = announcer();
        live.textContent = "";
        setTimeout(() => {
          live.textContent = text;
        }, 50);
      };
      say(`Incoming call from ${caller}. ${message}`);
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        card.remove();
      };
      const act = (action) => {
        if (!closed) {
          close();
          onAction(action);
        }
      };
      accept.addEventListener("click", () => act("accept"));
      reject.addEventListener("click", () => act("reject"));
      // Take focus only when the panel has it: focusing into the panel's iframe from elsewhere would pull the agent
      // out of what she is doing (e.g. a Dynamics notification) and scroll the Dynamics page; the announcement covers it.
      try {
        if (typeof doc.hasFocus !== "function" || doc.hasFocus()) accept.focus({ preventScroll: true });
      } catch {
        /* no focus here */
      }
      return { close, node: card };
    },
  };
}

function injectStyle(doc) {
  if (doc.getElementById("cif-adaptor-call-style")) return;
  const style = doc.createElement("style");
  style.id = "cif-adaptor-call-style";
  style.textContent = `
.cif-adaptor-calls { display: flex; flex-direction: column; gap: 8px; margin: 8px 0; }
.cif-adaptor-call { border: 2px solid #c19c00; border-radius: 6px; padding: 10px 12px; background: #fffbe6; }
.cif-adaptor-call h2 { font-size: 15px; margin: 0 0 4px; word-break: break-word; }
.cif-adaptor-call__msg { margin: 0 0 6px; font-size: 13px; }
.cif-adaptor-call__facts { margin: 0 0 8px; font-size: 13px; color: #605e5c; word-break: break-word; }
.cif-adaptor-call__count { display: block; margin-top: 6px; font-size: 12px; color: #605e5c; font-variant-numeric: tabular-nums; }
.cif-adaptor-call__actions { display: flex; gap: 8px; flex-wrap: wrap; }
.cif-adaptor-call__actions button { flex: 1 1 80px; min-height: 36px; font: inherit; font-weight: 600; border-radius: 4px; cursor: pointer; border: 1px solid transparent; }
.cif-adaptor-call__accept { background: #107c10; color: #fff; }
.cif-adaptor-call__reject { background: #fff; color: #a4262c; border-color: #a4262c !important; }
.cif-adaptor-call button:focus-visible { outline: 3px solid #000; outline-offset: 2px; }
.cif-adaptor-vh { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }`;
  (doc.head || doc.documentElement).appendChild(style);
}
