/*
 * Local stand-in for the Dynamics 365 window that hosts a Channel Integration Framework 2.0 channel provider.
 * This script runs in the TOP window (agent.html, "Dynamics"); the panel runs in an iframe and reaches it through
 * the local CIF library (/WebResources/Widget/msdyn_ciLibrary.js = cif-library.js), as Microsoft's library
 * reaches the real host. It also provides window.Xrm (WebApi over a few tables, Navigation.openForm).
 * Behaviour, sources and the undocumented choices: local/devstack/README.md, "Local CIF 2.0 host".
 *
 * Answers are what Microsoft's library hands the widget: notifyEvent resolves AND rejects with JSON strings
 * ({actionName, responseReason} / {message, msdyn_name}); searchAndOpenRecords resolves a JSON string keyed
 * "0", "1", …; onPresenceChange handlers get a JSON string {presenceInfo: {...}}.
 */
(function () {
  "use strict";
  const MAX_QUEUED = 10; // notifyEvent: more than ten queued → Reject/NotificationQueueLimitExceeded
  const MAX_SESSIONS = 10; // createSession: at most ten sessions
  const DEFAULT_TIMEOUT_S = 120;
  const calls = [];
  const handlers = new Map(); // event name → Set of handlers (functions living in the panel's window)
  const open = new Map(); // cancellationToken → { finish, node, timer }
  const sessions = new Map(); // sessionId → { id, template, title, tabs: [...] }
  let focusedSession = null;
  let presence = null;
  let clickToAct = false;
  let mode = 1;
  let width = 340;
  let config = null;

  const ready = fetch("/api/config")
    .then((r) => r.json())
    .then((c) => {
      config = c;
      presence = (c.cifPresences || [])[0] || null;
      renderPresenceControl();
      return c;
    });

  function log(api, args, result) {
    const entry = { at: new Date().toISOString(), api, args, result };
    calls.push(entry);
    if (calls.length > 300) calls.shift();
    window.dispatchEvent(new CustomEvent("cif-host-call", { detail: entry }));
  }

  const answer = (actionName, responseReason) => JSON.stringify({ actionName, responseReason });
  const failure = (message, api) => JSON.stringify({ message, msdyn_name: api });

  function text(tag, cls, value) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    e.textContent = value == null ? "" : String(value);
    return e;
  }

  /** {name} placeholders from templateParameters; a missing parameter stays visible, as in Dynamics. */
  function fill(value, params) {
    return String(value == null ? "" : value).replace(/\{([A-Za-z0-9_.]+)\}/g, (m, k) => {
      const v = params && Object.prototype.hasOwnProperty.call(params, k) ? params[k] : undefined;
      return v === undefined || v === null ? m : String(v);
    });
  }

  function byName(list, name) {
    return (list || []).find((t) => String(t.msdyn_name).toLowerCase() === String(name || "").toLowerCase());
  }

  function templateTimeout(t) {
    const n = Number(t.msdyn_timeout);
    if (!Number.isFinite(n)) return DEFAULT_TIMEOUT_S;
    return Math.min(500, Math.max(0, Math.round(n)));
  }

  // ---- notifications (notifyEvent / cancelEvent) -------------------------------------------------------

  function area() {
    let c = document.getElementById("cif-notifications");
    if (!c) {
      c = document.createElement("div");
      c.id = "cif-notifications";
      c.setAttribute("role", "region");
      c.setAttribute("aria-label", "Notifications");
      document.body.appendChild(c);
    }
    return c;
  }

  /** Polite, sparse announcements (start and 10 s left); the visible countdown itself is not announced. */
  function announce(message) {
    let live = document.getElementById("cif-announcer");
    if (!live) {
      live = document.createElement("div");
      live.id = "cif-announcer";
      live.className = "visually-hidden";
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    live.textContent = "";
    setTimeout(() => {
      live.textContent = message;
    }, 50);
  }

  function updateCount() {
    const c = area();
    const n = c.querySelectorAll(".cif-toast").length;
    c.dataset.count = String(n);
    let head = c.querySelector(".cif-notifications__head");
    if (n > 1) {
      if (!head) {
        head = text("div", "cif-notifications__head", "");
        c.prepend(head);
      }
      head.textContent = `${n} notifications`;
    } else if (head) head.remove();
  }

  let toastSeq = 0;
  function renderToast(template, params, token, finish) {
    const id = `cif-toast-${++toastSeq}`;
    const card = document.createElement("section");
    card.className = "cif-toast";
    card.id = id;
    card.setAttribute("role", "alertdialog");
    card.setAttribute("aria-labelledby", `${id}-title`);
    card.setAttribute("aria-describedby", `${id}-fields`);
    card.dataset.cancellationToken = token;
    card.dataset.template = template.msdyn_name;
    card.dataset.notificationId = params.notificationId || "";
    const head = document.createElement("div");
    head.className = "cif-toast__head";
    const title = text("h2", "cif-toast__title", fill(template.msdyn_title, params));
    title.id = `${id}-title`;
    const count = text("span", "cif-toast__count", "");
    count.setAttribute("aria-hidden", "true");
    head.append(title, count);
    const facts = document.createElement("dl");
    facts.className = "cif-toast__facts";
    facts.id = `${id}-fields`;
    for (const f of [...(template.fields || [])].sort((a, b) => (a.msdyn_order || 0) - (b.msdyn_order || 0))) {
      const v = fill(f.msdyn_value, params);
      if (v.trim()) facts.append(text("dt", "", f.msdyn_name), text("dd", "", v));
    }
    const bar = document.createElement("div");
    bar.className = "cif-toast__bar";
    bar.setAttribute("aria-hidden", "true");
    const fillBar = document.createElement("div");
    bar.append(fillBar);
    const actions = document.createElement("div");
    actions.className = "cif-toast__actions";
    const accept = text("button", "cif-toast__accept", template.msdyn_acceptbuttontext || "Accept");
    const reject = text("button", "cif-toast__reject", template.msdyn_rejectbuttontext || "Reject");
    accept.type = reject.type = "button";
    accept.onclick = () => finish("Accept", "Accept");
    reject.onclick = () => finish("Reject", "DeclinedByAgent");
    actions.append(accept, reject);
    // The buttons are the card's only focusable elements, so Accept / Reject are its first tab stops.
    card.append(head, facts, actions, bar);
    area().appendChild(card);
    updateCount();
    const focusWasFree =
      !document.activeElement ||
      document.activeElement === document.body ||
      !document.activeElement.closest ||
      !document.activeElement.closest(".cif-toast");
    // Focus without scrolling the page; only the notification area scrolls, to the focused notification.
    if (focusWasFree) {
      accept.focus({ preventScroll: true });
      revealInArea(card);
    }

    const total = templateTimeout(template);
    const start = Date.now();
    let announced10 = false;
    announce(
      `${fill(template.msdyn_title, params)}: ${params.caller || params.callerName || ""}. ${total} seconds to answer.`,
    );
    const tick = () => {
      const left = Math.max(0, total - (Date.now() - start) / 1000);
      if (template.msdyn_showtimeout !== false) count.textContent = `${Math.ceil(left)} s`;
      fillBar.style.width = `${total > 0 ? (left / total) * 100 : 0}%`;
      if (!announced10 && total > 15 && left <= 10 && left > 0) {
        announced10 = true;
        announce("10 seconds left to answer.");
      }
      if (left <= 0) finish("Timeout", "DisplayTimeout");
    };
    tick();
    return { node: card, timer: setInterval(tick, 250) };
  }

  function revealInArea(card) {
    const c = area();
    const head = c.querySelector(".cif-notifications__head");
    c.scrollTop = Math.max(0, card.offsetTop - (head ? head.offsetHeight + 8 : 0));
  }

  function removeToast(entry) {
    clearInterval(entry.timer);
    const hadFocus = entry.node.contains(document.activeElement);
    entry.node.remove();
    updateCount();
    if (hadFocus) {
      const next = area().querySelector(".cif-toast");
      if (next) {
        next.querySelector(".cif-toast__accept").focus({ preventScroll: true });
        revealInArea(next);
      }
    }
  }

  // ---- records (searchAndOpenRecords, Xrm) ---------------------------------------------------------

  function records(entity) {
    return ((config && config.cifDemoRecords) || []).filter((r) => r.entity === String(entity || "").toLowerCase());
  }

  function idOf(r) {
    return r[`${r.entity}id`];
  }

  /** A small OData subset: ?$select=a,b&$filter=x eq 'v' [or|and y eq 'w'], contains(x,'v'), $top=n. */
  function query(entity, queryParameters) {
    const q = new URLSearchParams(String(queryParameters || "").replace(/^\?/, ""));
    let rows = records(entity);
    const filter = q.get("$filter");
    if (filter) {
      const test = compile(filter);
      if (!test) throw new Error(`unsupported $filter: ${filter}`);
      rows = rows.filter(test);
    }
    const top = Number(q.get("$top"));
    if (Number.isFinite(top) && top > 0) rows = rows.slice(0, top);
    const select = (q.get("$select") || "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    return rows.map((r) => {
      const out = { [`${r.entity}id`]: idOf(r) };
      for (const [k, v] of Object.entries(r)) if (k !== "entity" && (!select.length || select.includes(k))) out[k] = v;
      return out;
    });
  }

  function compile(filter) {
    const joiner = /\s+(or|and)\s+/i.exec(filter);
    const parts = filter.split(/\s+(?:or|and)\s+/i);
    const tests = parts.map((p) => {
      let m = /^\s*\(?\s*([A-Za-z0-9_]+)\s+eq\s+'((?:[^']|'')*)'\s*\)?\s*$/.exec(p);
      if (m) {
        const [, f, v] = m;
        return (r) => String(r[f] ?? "") === v.replace(/''/g, "'");
      }
      m = /^\s*\(?\s*contains\(\s*([A-Za-z0-9_]+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*\)?\s*$/i.exec(p);
      if (m) {
        const [, f, v] = m;
        return (r) =>
          String(r[f] ?? "")
            .toLowerCase()
            .includes(v.replace(/''/g, "'").toLowerCase());
      }
      return null;
    });
    if (tests.some((t) => !t)) return null;
    const any = joiner && joiner[1].toLowerCase() === "or";
    return (r) => (any ? tests.some((t) => t(r)) : tests.every((t) => t(r)));
  }

  function workspace() {
    return document.getElementById("host-workspace");
  }

  function showRecord(entity, id) {
    const r = records(entity).find((x) => idOf(x) === id);
    const ws = workspace();
    if (!ws) return;
    const card = document.createElement("section");
    card.className = "card host-record";
    card.id = "host-record";
    card.dataset.entity = entity;
    card.dataset.id = id;
    if (!r) {
      card.append(text("h2", "", `Record not found (${entity} ${id})`));
    } else {
      card.append(text("h2", "", `${entity === "contact" ? "Contact" : "Account"}: ${r.fullname || r.name}`));
      const dl = document.createElement("dl");
      dl.className = "host-record__fields";
      for (const [k, v] of Object.entries(r)) if (k !== "entity" && v) dl.append(text("dt", "", k), text("dd", "", v));
      card.append(dl);
    }
    placeInSession(card);
  }

  function showSearch(entity, rows, searchText) {
    const card = document.createElement("section");
    card.className = "card host-record";
    card.id = "host-record";
    card.dataset.entity = entity;
    card.append(
      text(
        "h2",
        "",
        `Search ${entity}: ${rows.length} result${rows.length === 1 ? "" : "s"}${searchText ? ` for ${searchText}` : ""}`,
      ),
    );
    const ul = document.createElement("ul");
    for (const r of rows) {
      const li = document.createElement("li");
      const b = text("button", "link", r.fullname || r.name || idOf({ ...r, entity }));
      b.type = "button";
      b.onclick = () => showRecord(entity, r[`${entity}id`]);
      li.append(b, ` ${r.telephone1 || ""}`);
      ul.append(li);
    }
    card.append(ul);
    placeInSession(card);
  }

  /** The record goes into the focused session's tab area when a session exists, else the home tab. */
  function placeInSession(card) {
    const ws = workspace();
    if (!ws) return;
    const old = document.getElementById("host-record");
    if (old) old.remove();
    const target = focusedSession && document.getElementById(`session-${focusedSession}`);
    (target ? target.querySelector(".host-session__body") : ws).prepend(card);
  }

  function renderSession(s) {
    const bar = document.getElementById("host-sessions");
    if (bar) {
      for (const b of bar.querySelectorAll("button")) b.setAttribute("aria-selected", "false");
      const tab = text("button", "host-session-tab", s.title);
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-selected", "true");
      tab.dataset.sessionId = s.id;
      bar.append(tab);
    }
    const ws = workspace();
    if (!ws) return;
    const panel = document.createElement("section");
    panel.className = "host-session";
    panel.id = `session-${s.id}`;
    panel.append(text("h2", "", `Session: ${s.title}`));
    const tabs = document.createElement("div");
    tabs.className = "host-session__tabs";
    for (const t of s.tabs) tabs.append(text("span", "host-app-tab", t.title));
    const body = document.createElement("div");
    body.className = "host-session__body";
    panel.append(tabs, body);
    ws.prepend(panel);
  }

  // ---- presence ----------------------------------------------------------------------------------

  function renderPresenceControl() {
    const sel = document.getElementById("host-presence");
    if (!sel || !config) return;
    sel.replaceChildren(
      ...(config.cifPresences || []).map((p) => {
        const o = document.createElement("option");
        o.value = p.presenceText;
        o.textContent = p.presenceText;
        return o;
      }),
    );
    if (presence) sel.value = presence.presenceText;
    sel.onchange = () => changePresence(byText(sel.value), "agent");
  }

  function byText(t) {
    return ((config && config.cifPresences) || []).find((p) => p.presenceText === t) || null;
  }

  function changePresence(p, by) {
    if (!p) return false;
    const changed = !presence || presence.presenceId !== p.presenceId;
    presence = p;
    const sel = document.getElementById("host-presence");
    if (sel) sel.value = p.presenceText;
    if (changed) {
      const data = JSON.stringify({ presenceInfo: { ...p } });
      log("onPresenceChange", [by], data);
      raise("onPresenceChange", data);
    }
    return true;
  }

  function raise(eventName, data) {
    const set = handlers.get(eventName.toLowerCase());
    if (!set) return;
    for (const h of set) {
      try {
        Promise.resolve(h(data)).catch((err) => console.warn("[cif-host] handler failed", err));
      } catch (err) {
        console.warn("[cif-host] handler failed", err);
      }
    }
  }

  // ---- the API the local library forwards to ----------------------------------------------------------

  const api = {
    notifyEvent(input, correlationId, cancellationToken) {
      const token = cancellationToken || (input && input.cancellationToken);
      if (!input || typeof input !== "object" || !input.templateName) {
        const err = failure("RejectAfterClientError", "NotifyEvent");
        log("notifyEvent", [input, correlationId, token], err);
        return Promise.reject(err);
      }
      const template = byName(config.cifNotificationTemplates, input.templateName);
      if (!template) {
        const err = failure("NotificationTemplateNotFoundError", "NotifyEvent");
        log("notifyEvent", [input, correlationId, token], err);
        return Promise.reject(err);
      }
      if (open.size >= MAX_QUEUED) {
        const value = answer("Reject", "NotificationQueueLimitExceeded");
        log("notifyEvent", [input, correlationId, token], value);
        return Promise.resolve(value);
      }
      const key = token || `cif-${Date.now()}-${Math.random().toString(16).slice(2)}`;
      if (template.msdyn_autoacceptnotification === true) {
        const value = answer("Accept", "AutoAccept");
        log("notifyEvent", [input, correlationId, key], value);
        return Promise.resolve(value);
      }
      return new Promise((resolve) => {
        let entry;
        const finish = (actionName, responseReason) => {
          if (open.get(key) !== entry) return;
          open.delete(key);
          removeToast(entry);
          const value = answer(actionName, responseReason);
          log("notifyEvent → answer", [key], value);
          resolve(value);
        };
        entry = renderToast(template, input.templateParameters || {}, key, finish);
        // cancelEvent: undocumented what happens to the pending promise; we leave it pending (see README).
        entry.cancel = () => {
          if (open.get(key) === entry) {
            open.delete(key);
            removeToast(entry);
          }
        };
        open.set(key, entry);
        log(
          "notifyEvent",
          [input, correlationId, key],
          `shown (template ${template.msdyn_name}, msdyn_timeout ${templateTimeout(template)} s)`,
        );
      });
    },
    cancelEvent(cancellationToken, correlationId) {
      const entry = open.get(cancellationToken);
      if (!entry) {
        const err = failure("RejectAfterClientError", "CancelEvent");
        log("cancelEvent", [cancellationToken, correlationId], err);
        return Promise.reject(err);
      }
      entry.cancel();
      log("cancelEvent", [cancellationToken, correlationId], cancellationToken);
      return Promise.resolve(cancellationToken);
    },
    canCreateSession(correlationId) {
      const ok = sessions.size < MAX_SESSIONS;
      log("canCreateSession", [correlationId], ok);
      return Promise.resolve(ok);
    },
    createSession(input, correlationId) {
      const template = input && byName(config.cifSessionTemplates, input.templateName);
      if (!template || sessions.size >= MAX_SESSIONS) {
        const err = failure(template ? "RejectAfterClientError" : "SessionTemplateNotFoundError", "CreateSession");
        log("createSession", [input, correlationId], err);
        return Promise.reject(err);
      }
      const params = (input && input.templateParameters) || {};
      const id = `session-id-${sessions.size + 1}-${Math.random().toString(16).slice(2, 8)}`;
      const tabs = (template.applicationTabs || [])
        .map((n) => byName(config.cifApplicationTabTemplates, n))
        .filter(Boolean)
        .map((t) => ({
          name: t.msdyn_name,
          title: fill(t.msdyn_title, { ...params, ...(params[t.msdyn_name] || {}) }),
        }));
      const s = { id, template: template.msdyn_name, title: fill(template.msdyn_title, params), tabs };
      sessions.set(id, s);
      focusedSession = id;
      renderSession(s);
      log("createSession", [input, correlationId], id);
      return Promise.resolve(id);
    },
    getFocusedSession() {
      log("getFocusedSession", [], focusedSession);
      return Promise.resolve(focusedSession);
    },
    searchAndOpenRecords(entityLogicalName, queryParameters, searchOnly, correlationId, searchType) {
      let rows;
      try {
        if (
          !records(entityLogicalName).length &&
          !["contact", "account"].includes(String(entityLogicalName).toLowerCase())
        ) {
          throw new Error(`unknown entity ${entityLogicalName}`);
        }
        rows = query(String(entityLogicalName).toLowerCase(), queryParameters);
      } catch (e) {
        const err = failure("RejectAfterClientError", "SearchAndOpenRecords");
        log(
          "searchAndOpenRecords",
          [entityLogicalName, queryParameters, searchOnly, correlationId, searchType],
          `${err} (${e.message})`,
        );
        return Promise.reject(err);
      }
      const result = {};
      rows.forEach((r, i) => {
        result[String(i)] = r;
      });
      const json = JSON.stringify(result);
      log("searchAndOpenRecords", [entityLogicalName, queryParameters, searchOnly, correlationId, searchType], json);
      if (!searchOnly) {
        const entity = String(entityLogicalName).toLowerCase();
        if (rows.length === 1) showRecord(entity, rows[0][`${entity}id`]);
        else {
          const filter = new URLSearchParams(String(queryParameters || "").replace(/^\?/, "")).get("$filter") || "";
          showSearch(entity, rows, /'([^']*)'/.exec(filter)?.[1]);
        }
      }
      return Promise.resolve(json);
    },
    setPresence(presenceText) {
      const p = byText(presenceText);
      log("setPresence", [presenceText], Boolean(p));
      if (!p) return Promise.resolve(false); // must match a configured presence text exactly
      changePresence(p, "setPresence");
      return Promise.resolve(true);
    },
    getPresence() {
      const value = presence ? { ...presence } : null;
      log("getPresence", [], value);
      return Promise.resolve(value);
    },
    setClickToAct(value) {
      clickToAct = Boolean(value);
      log("setClickToAct", [value], true);
      return Promise.resolve(true);
    },
    getClickToAct() {
      log("getClickToAct", [], clickToAct);
      return Promise.resolve(clickToAct);
    },
    getEnvironment() {
      const env = {
        appUrl: location.origin,
        clientUrl: location.origin,
        orgId: "00000000-0000-0000-0000-0000000c1f00",
        orgUniqueName: "cifpipe-local",
        crmVersion: "9.2.0.0 (local stand-in)",
        userId: "",
        isDirty: false,
        customParams: "",
        pagetype: "dashboard",
      };
      log("getEnvironment", [], env);
      return Promise.resolve(JSON.stringify(env));
    },
    addHandler(eventName, handler) {
      const k = String(eventName).toLowerCase();
      if (!handlers.has(k)) handlers.set(k, new Set());
      handlers.get(k).add(handler);
      log("addHandler", [eventName], true);
      return Promise.resolve(true);
    },
    removeHandler(eventName, handler) {
      const set = handlers.get(String(eventName).toLowerCase());
      if (set) set.delete(handler);
      log("removeHandler", [eventName], true);
      return Promise.resolve(true);
    },
    setMode(value) {
      mode = value;
      log("setMode", [value], true);
      return Promise.resolve(true);
    },
    getMode() {
      log("getMode", [], mode);
      return Promise.resolve(mode);
    },
    setWidth(value) {
      width = value;
      log("setWidth", [value], true);
      return Promise.resolve(true);
    },
    getWidth() {
      log("getWidth", [], width);
      return Promise.resolve(width);
    },
  };

  // ---- window.Xrm of the "Dynamics" window (the panel reads it as window.top.Xrm) -------------------

  /** The solution's environment variables (cifpipe_*) with the stack's values: /api/config environmentVariables. */
  function envVars(c) {
    const v =
      c.environmentVariables && typeof c.environmentVariables === "object"
        ? c.environmentVariables
        : {
            cifpipe_ClientId: c.clientId,
            cifpipe_AdaptorFunctionUrl: c.functionUrl,
            cifpipe_Authority: c.authority,
            cifpipe_Scope: (c.scopes || []).join(" "),
          };
    return Object.entries(v).map(([schemaname, value]) => ({
      schemaname,
      defaultvalue: "",
      environmentvariabledefinition_environmentvariablevalue: [{ value }],
    }));
  }

  window.Xrm = {
    WebApi: {
      async retrieveMultipleRecords(entity, options) {
        const c = await ready;
        let entities;
        if (entity === "environmentvariabledefinition") entities = envVars(c);
        else if (entity === "msdyn_notificationtemplate") {
          const name = /msdyn_name\s+eq\s+'([^']*)'/.exec(String(options || ""))?.[1];
          entities = (c.cifNotificationTemplates || [])
            .filter((t) => !name || t.msdyn_name === name)
            .map((t) => ({ msdyn_name: t.msdyn_name, msdyn_title: t.msdyn_title, msdyn_timeout: t.msdyn_timeout }));
        } else if (entity === "contact" || entity === "account") entities = query(entity, options);
        else throw { message: `The local Xrm stand-in has no table ${entity}`, errorCode: 0x80040217 };
        log("Xrm.WebApi.retrieveMultipleRecords", [entity, options], `${entities.length} rows`);
        return { entities };
      },
    },
    Navigation: {
      openForm(options) {
        log("Xrm.Navigation.openForm", [options], true);
        showRecord(options.entityName, options.entityId);
        return Promise.resolve({ savedEntityReference: [] });
      },
    },
    Utility: { getGlobalContext: () => ({ getClientUrl: () => location.origin, userSettings: { languageId: 1033 } }) },
  };

  /** What the local library (cif-library.js, in the panel's iframe) talks to. */
  window.__cifpipeHost = {
    ready,
    api,
    /** Tests and the page's log: the calls the panel made. */
    calls: () => calls.slice(),
    openNotifications: () => [...open.keys()],
    presence: () => (presence ? { ...presence } : null),
    setPresenceAsAgent: (text) => changePresence(byText(text), "agent"),
  };
})();
