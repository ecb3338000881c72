// Alerts: channels (WeCom, Slack, webhook; URL write-only), "send test alert", deliveries with failures.
import { del, get, post, put, qs } from '../api.js';
import {
  badge, clear, clearFieldErrors, field, go, guard, h, hideBanner, input, linkTo, select, table, teamField, time, values,
} from '../ui.js';
import { inTeam, may, withTeam } from '../session.js';

export async function render(main, params) {
  const query = { status: params.status, channelId: params.channelId, limit: 50 };
  const [{ items: channels }, deliveries] = await Promise.all([
    get('/api/v1/alert-channels'), get(`/api/v1/alert-deliveries${qs(query)}`)]);
  const editing = params.id ? channels.find(c => c.id === params.id) : null;
  const shown = inTeam(channels);
  const box = h('section', { class: 'card', id: 'channel-form' });
  const filters = h('form', { class: 'filters' },
    field('status', select('status', [['', '(any)'], 'PENDING', 'SENT', 'FAILED'], params.status)),
    field('channel', select('channelId', [['', '(any)'], ...channels.map(c => [c.id, c.name])], params.channelId)),
    h('button', { type: 'submit' }, 'Filter'));
  const deliveryTable = h('table', { id: 'deliveries' }, h('thead', {}, h('tr', {},
    ['window', 'channel', 'task', 'count', 'status', 'attempts', 'last error', 'sent'].map(x => h('th', {}, x)))), h('tbody', {}));
  const more = h('button', { id: 'more', hidden: true }, 'More');
  filters.addEventListener('submit', e => { e.preventDefault(); go(`#/alerts${qs(values(filters))}`); });
  main.append(
    h('div', { class: 'bar' }, h('h1', {}, 'Alerts'), may('admin') ? linkTo('#/alerts?new=1', 'New channel', { class: 'button primary', id: 'new-channel' }) : null),
    table(['id', 'name', 'kind', 'URL', ''], shown.map(channelRow), { id: 'channels' }),
    box,
    h('h2', {}, 'Deliveries'), filters,
    deliveryTable, more);
  if ((editing || params.new) && may('admin')) box.append(form(editing));
  else box.hidden = true;
  showDeliveries(deliveries);

  function showDeliveries(page) {
    deliveryTable.tBodies[0].append(...page.items.map(deliveryRow));
    more.hidden = !page.nextCursor;
    more.onclick = async () => {
      const next = await guard(() => get(`/api/v1/alert-deliveries${qs({ ...query, cursor: page.nextCursor })}`));
      if (next) showDeliveries(next);
    };
  }
}

function deliveryRow(d) {
  return h('tr', { class: d.status === 'FAILED' ? 'failed' : '', 'data-id': d.id },
    h('td', {}, `${time(d.windowStart)} – ${time(d.windowEnd)}`), h('td', {}, d.channelId), h('td', {}, d.taskId),
    h('td', {}, d.count), h('td', {}, badge(d.status)), h('td', {}, d.attempts), h('td', { class: 'error-text' }, d.lastError || ''),
    h('td', {}, time(d.sentAt)));
}

function channelRow(c) {
  const out = h('span', { class: 'test-result' });
  return h('tr', { 'data-id': c.id },
    h('td', {}, h('code', {}, c.id)), h('td', {}, c.name), h('td', {}, c.kind), h('td', {}, c.urlSet ? 'set' : 'not set'),
    h('td', { class: 'actions' },
      may('operator') ? h('button', { class: 'test', onclick: () => test(c, out) }, 'Send test alert') : null,
      may('admin') ? linkTo(`#/alerts?id=${encodeURIComponent(c.id)}`, 'Edit', { class: 'button edit' }) : null,
      may('admin') ? h('button', { class: 'danger delete', onclick: () => remove(c) }, 'Delete') : null,
      out));
}

async function test(c, out) {
  clear(out).append('sending…');
  const r = await guard(() => post(`/api/v1/alert-channels/${encodeURIComponent(c.id)}/test`));
  clear(out);
  if (r) out.append(badge(r.ok ? 'OK' : 'FAILED'), ` ${r.statusCode ?? ''} ${r.error || ''} (${r.tookMs} ms)`);
}

async function remove(c) {
  if (!confirm(`Delete channel ${c.name}?`)) return;
  if (await guard(() => del(`/api/v1/alert-channels/${encodeURIComponent(c.id)}`).then(() => true))) go('#/alerts');
}

function form(c) {
  const f = h('form', { class: 'grid', novalidate: true },
    h('h2', {}, c ? `Edit ${c.name}` : 'New channel'),
    field('name', input('name', c?.name)),
    teamField(c),
    field('kind', select('kind', ['WECOM', 'SLACK', 'WEBHOOK'], c?.kind)),
    field('URL', input('url', '', { type: 'password', autocomplete: 'off', placeholder: c?.urlSet ? 'set; leave empty to keep it' : 'https://...' }),
      'write-only: it may hold a token'),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Save'), linkTo('#/alerts', 'Cancel', { class: 'button' })));
  f.addEventListener('submit', async e => {
    e.preventDefault();
    clearFieldErrors(f);
    hideBanner();
    const v = values(f);
    const body = { name: v.name, kind: v.kind, url: v.url || undefined };
    const saved = await guard(() => (c ? put(`/api/v1/alert-channels/${encodeURIComponent(c.id)}`, withTeam(body, c))
      : post('/api/v1/alert-channels', withTeam(body))), f);
    if (saved) {
      go('#/alerts', `Channel ${saved.name} saved`);
    }
  });
  return f;
}
