/*
 * Local stand-in for the Dynamics 365 Channel Integration Framework 2.0 host: window.Microsoft.CIFramework.
 * In Dynamics these calls go to the host window; here they drive a popup rendered in this page.
 *
 * notifyEvent(input, correlationId, cancellationToken) → Promise resolving {value: {actionName, responseReason}}
 * as documented for CIF 2.0: Accept/Accept, Reject/DeclinedByAgent, Timeout/DisplayTimeout, and
 * Reject/NotificationQueueLimitExceeded when more than 10 notifications are queued. A bad call rejects with
 * {message: "RejectAfterClientError", msdyn_name: "NotifyEvent"}.
 * cancelEvent(cancellationToken, correlationId) → Promise resolving the cancellation token (rejects with
 * RejectAfterClientError for an unknown token). Local choice (undocumented): the cancelled notifyEvent promise
 * resolves {value: {actionName: "Cancel", responseReason: "CancelEvent"}} so callers never hang.
 * Everything else the panel might call is logged and answered harmlessly.
 */
(function () {
  'use strict';
  const MAX_QUEUED = 10;
  const DEFAULT_TIMEOUT_S = 30;
  const open = new Map(); // cancellationToken → { resolve, node, timer }
  const handlers = new Map();
  const calls = [];
  let clickToAct = false;
  let mode = 1;
  let width = 360;

  function log(api, args, result) {
    const entry = { at: new Date().toISOString(), api, args, result };
    calls.push(entry);
    if (calls.length > 200) calls.shift();
    window.dispatchEvent(new CustomEvent('cif-host-call', { detail: entry }));
  }

  function container() {
    let c = document.getElementById('cif-notifications');
    if (!c) {
      c = document.createElement('div');
      c.id = 'cif-notifications';
      c.setAttribute('aria-live', 'assertive');
      document.body.appendChild(c);
    }
    return c;
  }

  function text(tag, cls, value) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    e.textContent = value == null ? '' : String(value);
    return e;
  }

  function timeoutSeconds(input) {
    const p = input.templateParameters || {};
    if (p.expiresAt) {
      const left = (new Date(p.expiresAt).getTime() - Date.now()) / 1000;
      if (Number.isFinite(left)) return Math.max(0, left);
    }
    const n = Number(p.countdown ?? input.timeout ?? p.ringSeconds);
    return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_S;
  }

  function render(input, token, finish) {
    const p = input.templateParameters || {};
    const card = document.createElement('section');
    card.className = 'cif-toast';
    card.setAttribute('role', 'alertdialog');
    card.dataset.cancellationToken = token;
    card.dataset.notificationId = p.notificationId || '';
    const head = document.createElement('div');
    head.className = 'cif-toast__head';
    head.append(text('span', 'cif-toast__kind', 'Incoming call'), text('span', 'cif-toast__count', ''));
    const caller = text('div', 'cif-toast__caller', p.callerName || p.caller || 'Unknown caller');
    const number = text('div', 'cif-toast__number', p.callerNumber || '');
    const facts = document.createElement('dl');
    facts.className = 'cif-toast__facts';
    const add = (label, value) => { if (value) facts.append(text('dt', '', label), text('dd', '', value)); };
    add('Queue', p.queue);
    add('Called', p.calledNumber);
    add('Customer', p.customerContext);
    add('Call', p.callId);
    const bar = document.createElement('div');
    bar.className = 'cif-toast__bar';
    const fill = document.createElement('div');
    bar.append(fill);
    const actions = document.createElement('div');
    actions.className = 'cif-toast__actions';
    const accept = text('button', 'cif-toast__accept', 'Accept');
    const reject = text('button', 'cif-toast__reject', 'Reject');
    accept.type = reject.type = 'button';
    accept.onclick = () => finish('Accept', 'Accept');
    reject.onclick = () => finish('Reject', 'DeclinedByAgent');
    actions.append(accept, reject);
    card.append(head, caller, number, facts, bar, actions);
    container().appendChild(card);

    const total = timeoutSeconds(input);
    const start = Date.now();
    const tick = () => {
      const left = Math.max(0, total - (Date.now() - start) / 1000);
      head.lastChild.textContent = `${Math.ceil(left)} s`;
      fill.style.width = `${total > 0 ? (left / total) * 100 : 0}%`;
      if (left <= 0) finish('Timeout', 'DisplayTimeout');
    };
    tick();
    return { node: card, timer: setInterval(tick, 250) };
  }

  const api = {
    notifyEvent(input, correlationId, cancellationToken) {
      if (!input || typeof input !== 'object') {
        const err = { message: 'RejectAfterClientError', msdyn_name: 'NotifyEvent' };
        log('notifyEvent', [input, correlationId, cancellationToken], err);
        return Promise.reject(err);
      }
      const token = cancellationToken || input.cancellationToken || `cif-${Date.now()}-${Math.random().toString(16).slice(2)}`;
      if (open.size >= MAX_QUEUED) {
        const value = { value: { actionName: 'Reject', responseReason: 'NotificationQueueLimitExceeded' } };
        log('notifyEvent', [input, correlationId, token], value);
        return Promise.resolve(value);
      }
      return new Promise((resolve) => {
        let entry;
        const finish = (actionName, responseReason) => {
          if (!open.has(token)) return;
          open.delete(token);
          clearInterval(entry.timer);
          entry.node.remove();
          const value = { value: { actionName, responseReason } };
          log('notifyEvent → answer', [token], value);
          resolve(value);
        };
        entry = render(input, token, finish);
        entry.finish = finish;
        open.set(token, entry);
        log('notifyEvent', [input, correlationId, token], 'shown');
      });
    },
    cancelEvent(cancellationToken, correlationId) {
      const entry = open.get(cancellationToken);
      if (!entry) {
        const err = { message: 'RejectAfterClientError', msdyn_name: 'CancelEvent' };
        log('cancelEvent', [cancellationToken, correlationId], err);
        return Promise.reject(err);
      }
      entry.finish('Cancel', 'CancelEvent');
      log('cancelEvent', [cancellationToken, correlationId], cancellationToken);
      return Promise.resolve(cancellationToken);
    },
    setClickToAct(value) { clickToAct = Boolean(value); log('setClickToAct', [value], true); return Promise.resolve(true); },
    getClickToAct() { log('getClickToAct', [], clickToAct); return Promise.resolve(clickToAct); },
    getEnvironment() {
      const env = { appUrl: location.origin, clientUrl: location.origin, orgId: '00000000-0000-0000-0000-0000000c1f00',
        orgUniqueName: 'cifpipe-local', crmVersion: '9.2.0.0 (local stand-in)', userId: '', isDirty: false,
        customParams: '', pagetype: 'dashboard' };
      log('getEnvironment', [], env);
      return Promise.resolve(JSON.stringify(env));
    },
    addHandler(eventName, handler) {
      if (!handlers.has(eventName)) handlers.set(eventName, new Set());
      handlers.get(eventName).add(handler);
      log('addHandler', [eventName], true);
      return Promise.resolve(true);
    },
    removeHandler(eventName, handler) {
      const set = handlers.get(eventName);
      if (set) set.delete(handler);
      log('removeHandler', [eventName], true);
      return Promise.resolve(true);
    },
    setMode(value) { mode = value; log('setMode', [value], true); return Promise.resolve(true); },
    getMode() { log('getMode', [], mode); return Promise.resolve(mode); },
    setWidth(value) { width = value; log('setWidth', [value], true); return Promise.resolve(true); },
    getWidth() { log('getWidth', [], width); return Promise.resolve(width); },
    setPresence(presence) { log('setPresence', [presence], true); return Promise.resolve(true); },
    /** Local only: what the page shows in its host log. */
    _calls: () => calls.slice(),
    _openNotifications: () => [...open.keys()],
  };

  window.Microsoft = window.Microsoft || {};
  window.Microsoft.CIFramework = api;
})();
