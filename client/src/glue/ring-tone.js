const noopLogger = { debug() {}, info() {}, warn() {}, error() {} };
const STORAGE_KEY = "cifpipe.ringTone";

/**
 * A ring tone made with the Web Audio API (two short 440/480 Hz bursts every 3 s, like a phone), so
 * no audio file is downloaded. Browsers block audio until the user interacts with the page: the
 * context is resumed on the first click/key press; until then ringing is silent, never an error.
 * The agent's mute choice is kept in localStorage.
 */
export function createRingTone({ win, logger = noopLogger, enabled = true, periodMs = 3000 }) {
  let on = readStored(win, enabled);
  let ctx = null;
  let timer = null;
  let ringing = false;
  let warned = false;
  const listeners = new Set();
  const state = { bursts: 0, played: 0 };

  function context() {
    if (ctx) return ctx;
    const AC = win.AudioContext || win.webkitAudioContext;
    if (typeof AC !== "function") return null;
    try {
      ctx = new AC();
    } catch (err) {
      warnOnce("audio is not available", err);
      return null;
    }
    return ctx;
  }

  function warnOnce(what, err) {
    if (warned) return;
    warned = true;
    logger.warn(`ring tone: ${what}`, err);
  }

  function burst() {
    state.bursts++;
    try {
      const c = context();
      if (!c) return;
      if (c.state === "suspended") {
        const p = c.resume();
        if (p && typeof p.catch === "function")
          p.catch((err) => warnOnce("audio blocked until the page is clicked", err));
      }
      if (c.state !== "running") return; // blocked (autoplay policy): silent until a user gesture
      const t = c.currentTime;
      const gain = c.createGain();
      gain.connect(c.destination);
      gain.gain.setValueAtTime(0, t);
      for (const start of [0, 0.6]) {
        gain.gain.linearRampToValueAtTime(0.12, t + start + 0.02);
        gain.gain.setValueAtTime(0.12, t + start + 0.38);
        gain.gain.linearRampToValueAtTime(0, t + start + 0.4);
      }
      for (const f of [440, 480]) {
        const osc = c.createOscillator();
        osc.frequency.value = f;
        osc.connect(gain);
        osc.start(t);
        osc.stop(t + 1.05);
      }
      state.played++;
    } catch (err) {
      warnOnce("playing failed", err);
    }
  }

  function schedule() {
    clearInterval(timer);
    timer = null;
    if (ringing && on) {
      burst();
      timer = setInterval(burst, periodMs);
    }
  }

  function unlock() {
    try {
      const c = context();
      if (c && c.state === "suspended") {
        const p = c.resume();
        if (p && typeof p.catch === "function") p.catch(() => {});
      }
    } catch {
      /* audio not available */
    }
  }
  // Autoplay policy: the first gesture in the panel allows audio from then on.
  if (win.document && typeof win.document.addEventListener === "function") {
    for (const type of ["pointerdown", "keydown"])
      win.document.addEventListener(type, unlock, { capture: true, passive: true });
  }

  return {
    state,
    get enabled() {
      return on;
    },
    get ringing() {
      return ringing;
    },
    get audioState() {
      return ctx ? ctx.state : "none";
    },
    setEnabled(value) {
      on = Boolean(value);
      try {
        win.localStorage && win.localStorage.setItem(STORAGE_KEY, on ? "on" : "off");
      } catch {
        /* storage blocked */
      }
      if (on) unlock();
      schedule();
      listeners.forEach((fn) => fn());
    },
    /** Rings while any call is ringing. */
    setRinging(value) {
      const v = Boolean(value);
      if (v === ringing) return;
      ringing = v;
      schedule();
    },
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    dispose() {
      clearInterval(timer);
      ringing = false;
    },
  };
}

function readStored(win, fallback) {
  try {
    const v = win.localStorage && win.localStorage.getItem(STORAGE_KEY);
    if (v === "on") return true;
    if (v === "off") return false;
  } catch {
    /* storage blocked (e.g. third-party iframe) */
  }
  return fallback;
}
