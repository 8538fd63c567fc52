import { getJson, el, fmtTime } from '/common.js';

const banner = document.getElementById('banner');
const config = await getJson('/api/config');
const params = new URLSearchParams(location.search);

// What the client script reads (window.cifAdaptorConfig, see client/src/glue/config.js). Locally the panel is
// the top window, so sign-in uses a full-page redirect; ?interaction=popup exercises the iframe-style popup.
window.cifAdaptorConfig = {
  functionUrl: config.functionUrl,
  clientId: config.clientId,
  authority: config.authority,
  scopes: config.scopes,
  redirectUri: config.redirectUri,
  interactionType: params.get('interaction') === 'popup' ? 'popup' : 'redirect',
  statusElement: '#cif-status',
  notificationTemplate: 'cifpipe_incoming_call',
};

const hostLog = document.getElementById('host-log');
function summarise(entry) {
  const [first] = entry.args || [];
  if (entry.api === 'notifyEvent' && first && first.templateParameters) {
    const p = first.templateParameters;
    return `${p.caller || ''} · ${p.queue || ''} · ${p.countdown ?? ''} s · ${p.notificationId || ''}`;
  }
  const result = typeof entry.result === 'object' ? JSON.stringify(entry.result) : String(entry.result);
  return `${JSON.stringify(entry.args).slice(0, 160)} → ${result.slice(0, 160)}`;
}
window.addEventListener('cif-host-call', ev => {
  if (hostLog.querySelector('.empty')) hostLog.replaceChildren();
  hostLog.prepend(el('tr', {}, el('td', {}, fmtTime(ev.detail.at)), el('td', { class: 'mono' }, ev.detail.api),
    el('td', { class: 'details' }, summarise(ev.detail))));
  while (hostLog.children.length > 50) hostLog.lastChild.remove();
});

const script = document.createElement('script');
script.src = '/client/signalRadaptor.js';
script.onerror = () => banner.replaceChildren(el('div', { class: 'banner error' },
  'The client script (client/dist/signalRadaptor.js) is not built. Run ./dev up, which builds it (npm run build in client/).'));
document.head.appendChild(script);

// Show who is signed in (MSAL's account, from the validated sign-in) and offer switching agents.
const who = document.getElementById('who');
const signOut = document.getElementById('sign-out');
signOut.onclick = () => {
  for (const store of [localStorage, sessionStorage]) {
    Object.keys(store).filter(k => k.startsWith('msal.') || k.includes('login.windows') || k.includes('-' + config.clientId)).forEach(k => store.removeItem(k));
  }
  location.replace(location.pathname);
};
setInterval(() => {
  const adaptor = window.SignalRAdaptor && window.SignalRAdaptor.current && window.SignalRAdaptor.current();
  const account = adaptor && adaptor.auth && typeof adaptor.auth.account === 'function' ? adaptor.auth.account() : null;
  if (account) {
    const agent = config.agents.find(a => a.oid === (account.localAccountId || account.idTokenClaims?.oid)) || {};
    who.replaceChildren(el('div', {}, el('b', {}, account.name || agent.name || account.username), ` (${account.username || agent.preferredUsername || ''})`),
      el('div', { class: 'mono muted' }, `oid ${account.idTokenClaims?.oid || account.localAccountId || ''}`));
    signOut.hidden = false;
  }
}, 1000);
