import { getJson, el, renderNav, fmtTime, fmtMs, pill } from '/common.js';

renderNav('ops');
const config = await getJson('/api/config');
const agentName = Object.fromEntries(config.agents.map(a => [a.oid, a.name]));
const TERMINAL = ['Accepted', 'Rejected', 'Expired', 'Withdrawn', 'Undeliverable'];

function errorRow(cols, e) {
  return el('tr', {}, el('td', { colspan: cols, class: 'empty' }, `Not available: ${e.message}`));
}

// The emulator's admin endpoint lists queues; accept an array or a {name: {...}} map and show the numbers it has.
function normaliseQueues(data) {
  const list = Array.isArray(data) ? data : Array.isArray(data.queues) ? data.queues
    : Object.entries(data.queues || data).map(([name, v]) => ({ name, ...v }));
  return list.map(q => ({
    name: q.name || q.queue || '?',
    active: q.activeMessageCount ?? q.active ?? q.activeMessages ?? q.messageCount ?? 0,
    deadLetter: q.deadLetterMessageCount ?? q.deadLetter ?? q.deadLetters ?? q.deadLetterCount ?? 0,
    scheduled: q.scheduledMessageCount ?? q.scheduled ?? 0,
    locked: q.lockedMessageCount ?? q.locked ?? q.inFlight ?? null,
  }));
}

async function loadQueues() {
  const host = document.getElementById('queues');
  try {
    const queues = normaliseQueues(await getJson('/api/state/queues'));
    host.replaceChildren(...queues.map(q => el('section', { class: 'card', dataset: { queue: q.name } },
      el('h2', { style: 'overflow-wrap:anywhere' }, q.name), // subscription paths are long
      el('div', { class: 'row', style: 'gap:28px' },
        el('div', {}, el('div', { class: 'stat' }, q.active), el('div', { class: 'stat-label' }, 'active')),
        q.locked == null ? null : el('div', {}, el('div', { class: 'stat' }, q.locked), el('div', { class: 'stat-label' }, 'locked')),
        el('div', {}, el('div', { class: 'stat' }, q.scheduled), el('div', { class: 'stat-label' }, 'scheduled')),
        el('div', {}, el('div', { class: 'stat', style: q.deadLetter > 0 ? 'color:var(--bad)' : '' }, q.deadLetter),
          el('div', { class: 'stat-label' }, 'dead-lettered'))))));
  } catch (e) {
    host.replaceChildren(el('section', { class: 'card' }, el('h2', {}, 'Queues'), el('p', { class: 'empty' }, `Not available: ${e.message}`)));
  }
}

async function loadConnections() {
  const body = document.getElementById('connections');
  try {
    const byAgent = await getJson('/api/state/connections');
    const rows = Object.entries(byAgent);
    if (rows.length === 0) { body.replaceChildren(el('tr', {}, el('td', { colspan: 4, class: 'empty' }, 'No agent connected.'))); return; }
    body.replaceChildren(...rows.map(([agent, conns]) => {
      const last = conns.map(c => c.LastSeenAt || c.Timestamp).sort().at(-1);
      return el('tr', {},
        el('td', {}, el('div', {}, agentName[agent] || agent), el('div', { class: 'mono muted' }, agent)),
        el('td', { class: 'num' }, conns.length),
        el('td', {}, fmtTime(last)),
        el('td', { class: 'muted' }, [...new Set(conns.map(c => (c.UserAgent || '').split(' ')[0]).filter(Boolean))].join(', ')));
    }));
  } catch (e) { body.replaceChildren(errorRow(4, e)); }
}

function ms(a, b) {
  if (!a || !b) return '';
  return fmtMs(new Date(b) - new Date(a));
}

const STATES = ['Offered', 'Delivered', 'Accepted', 'Rejected', 'Expired', 'Withdrawn', 'Undeliverable'];
function renderStateCounts(rows) {
  const counts = Object.fromEntries(STATES.map(s => [s, 0]));
  for (const r of rows) { const s = r.State ? r.State[0] + r.State.slice(1).toLowerCase() : ''; if (s in counts) counts[s]++; }
  document.getElementById('state-counts').replaceChildren(
    el('h2', {}, 'Notifications by state', el('span', { class: 'hint' }, `last ${rows.length}`)),
    el('div', { style: 'display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:10px 12px' }, ...STATES.map(s =>
      el('div', {}, el('div', { class: 'stat', style: 'font-size:22px' }, counts[s]), pill(s)))));
}

async function loadLedger() {
  const body = document.getElementById('ledger');
  try {
    const rows = await getJson('/api/state/ledger?limit=100');
    renderStateCounts(rows);
    if (rows.length === 0) { body.replaceChildren(el('tr', {}, el('td', { colspan: 11, class: 'empty' }, 'No notifications yet — place a call from the telephony simulator.'))); return; }
    body.replaceChildren(...rows.map(r => {
      const state = r.State ? r.State[0] + r.State.slice(1).toLowerCase() : '';
      const terminalAt = TERMINAL.map(s => r[`${s}At`]).find(Boolean);
      return el('tr', {},
        el('td', { class: 'mono ellipsis', title: r.NotificationId || '' }, r.NotificationId || ''),
        el('td', { class: 'mono' }, r.PartitionKey),
        el('td', {}, agentName[r.RowKey] || r.RowKey),
        el('td', {}, pill(state)),
        el('td', {}, fmtTime(r.OfferedAt)),
        el('td', {}, fmtTime(r.DeliveredAt)),
        el('td', {}, fmtTime(terminalAt)),
        el('td', { class: 'num' }, ms(r.OfferedAt, r.DeliveredAt)),
        el('td', { class: 'num' }, ms(r.OfferedAt, terminalAt)),
        el('td', { class: 'num' }, r.Attempts ?? ''),
        el('td', { class: 'muted' }, r.Reason || ''));
    }));
  } catch (e) { body.replaceChildren(errorRow(11, e)); }
}

// Replay goes through the ops library (same safe path as './dev ops dlq replay'): by call, or the whole queue.
async function replay(queue, callId, button) {
  button.disabled = true;
  const banner = document.getElementById('dlq-banner');
  try {
    const r = await getJson('/api/state/dlq/replay', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(callId ? { queue, callId } : { queue }) });
    const extra = [...r.skipped, ...r.failed].join('; ');
    banner.replaceChildren(el('div', { class: `banner ${r.failed.length ? 'warn' : 'info'}` },
      `${queue}${callId ? ` call ${callId}` : ''}: replayed ${r.replayed}, skipped ${r.skipped.length}, failed ${r.failed.length}${extra ? ` — ${extra}` : ''}`));
    loadDlq();
  } catch (e) {
    banner.replaceChildren(el('div', { class: 'banner warn' }, e.message));
    button.disabled = false;
  }
}

async function loadDlq() {
  const body = document.getElementById('dlq');
  try {
    const results = await Promise.all(config.queues.map(q => getJson(`/api/state/dlq?queue=${encodeURIComponent(q)}`)));
    const msgs = results.flatMap(r => r.messages.map(m => ({ ...m, queue: r.queue })));
    const all = document.getElementById('dlq-all');
    // A subscription's dead letters cannot be replayed (no send to one subscription); list and purge them with the CLI.
    const replayable = q => !q.includes('/subscriptions/');
    all.replaceChildren(...results.filter(r => r.messages.length && replayable(r.queue)).map(r =>
      el('button', { class: 'small', onclick: ev => replay(r.queue, null, ev.target) }, `Replay all ${r.queue} (${r.messages.length})`)));
    if (msgs.length === 0) { body.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No dead-lettered messages.'))); return; }
    body.replaceChildren(...msgs.map(m => el('tr', {},
      el('td', {}, m.queue),
      el('td', { class: 'num' }, m.sequenceNumber),
      el('td', { class: 'mono', title: m.body }, el('div', {}, m.callId || m.messageId), el('div', { class: 'muted' }, [m.type, m.agentId && (agentName[m.agentId] || m.agentId)].filter(Boolean).join(' · '))),
      el('td', {}, el('div', {}, m.deadLetterReason || ''), el('div', { class: 'muted' }, m.deadLetterErrorDescription || '')),
      el('td', { class: 'num' }, m.deliveryCount),
      el('td', {}, m.callId && replayable(m.queue) ? el('button', { class: 'small', title: 'Send this call\'s dead letters back to the queue (ops library)',
        onclick: ev => replay(m.queue, m.callId, ev.target) }, 'Replay call') : null))));
  } catch (e) { body.replaceChildren(errorRow(6, e)); }
}

// The ops dashboard is a consumer of its own: subscription 'operations' of call-outcomes (terminal outcomes only).
async function loadTerminalOutcomes() {
  const body = document.getElementById('terminal-outcomes');
  try {
    const outcomes = (await getJson('/api/ops/outcomes')).slice(-25).reverse();
    if (outcomes.length === 0) { body.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'empty' }, 'No terminal outcome yet.'))); return; }
    body.replaceChildren(...outcomes.map(o => el('tr', {},
      el('td', {}, fmtTime(o.at)),
      el('td', {}, pill(o.outcome)),
      el('td', { class: 'mono' }, o.callId),
      el('td', {}, agentName[o.agentId] || o.agentId),
      el('td', { class: 'muted' }, o.reason || ''))));
  } catch (e) { body.replaceChildren(errorRow(5, e)); }
}

async function refresh() {
  await Promise.allSettled([loadQueues(), loadConnections(), loadLedger(), loadDlq(), loadTerminalOutcomes()]);
  document.getElementById('updated').textContent = `Updated ${fmtTime(Date.now())}`;
}
await refresh();
setInterval(refresh, 3000);
