// Data sources: list, a form per kind (secrets write-only), "test connection", delete.
import { del, get, post, put } from '../api.js';
import {
  badge, checkbox, clear, clearFieldErrors, field, go, guard, h, hideBanner, input, linkTo, list, num, prune,
  select, showBanner, table, teamField, textarea, values,
} from '../ui.js';
import { inTeam, may, withTeam } from '../session.js';

const KINDS = ['MYSQL', 'POSTGRES', 'REDIS', 'HTTP', 'ELASTICSEARCH'];
/** Which inputs each kind uses (README "Data sources"). */
const FIELDS = {
  MYSQL: ['host', 'port', 'database', 'user', 'password', 'poolSize', 'timeoutMs', 'tls', 'tlsCaFile'],
  POSTGRES: ['host', 'port', 'database', 'user', 'password', 'poolSize', 'timeoutMs', 'tls', 'tlsCaFile'],
  REDIS: ['redisMode', 'host', 'port', 'hosts', 'masterName', 'user', 'password', 'redisDb', 'keyPrefix', 'tls', 'tlsCaFile',
    'poolSize', 'timeoutMs'],
  HTTP: ['baseUrl', 'headers', 'timeoutMs'],
  ELASTICSEARCH: ['hosts', 'user', 'password', 'apiKey', 'tlsCaFile', 'poolSize', 'timeoutMs'],
};
const NUMBERS = ['port', 'poolSize', 'timeoutMs', 'redisDb'];
const PORTS = { MYSQL: 3306, POSTGRES: 5432, REDIS: 6379 };

export async function render(main, params) {
  const items = inTeam((await get('/api/v1/data-sources')).items);
  const editing = params.id ? items.find(d => d.id === params.id) : null;
  const formBox = h('section', { class: 'card', id: 'data-source-form' });
  main.append(
    h('div', { class: 'bar' }, h('h1', {}, 'Data sources'), may('admin') ? linkTo('#/data-sources?new=1', 'New data source', { class: 'button primary', id: 'new-data-source' }) : null),
    table(['id', 'name', 'kind', 'where', 'secret', ''], items.map(row)),
    formBox);
  if ((editing || params.new) && may('admin')) formBox.append(form(editing));
  else formBox.hidden = true;
}

function where(d) {
  if (d.kind === 'HTTP') return d.baseUrl || '';
  if (d.hosts?.length) return d.hosts.join(', ');
  return [d.host, d.port].filter(Boolean).join(':') + (d.database ? `/${d.database}` : '');
}

function row(d) {
  const result = h('span', { class: 'test-result' });
  return h('tr', { 'data-id': d.id },
    h('td', {}, h('code', {}, d.id)), h('td', {}, d.name), h('td', {}, d.kind), h('td', {}, where(d)),
    h('td', {}, d.passwordSet || d.apiKeySet ? 'set' : 'not set'),
    h('td', { class: 'actions' },
      may('operator') ? h('button', { class: 'test', onclick: () => test(d, result) }, 'Test connection') : null,
      may('admin') ? linkTo(`#/data-sources?id=${encodeURIComponent(d.id)}`, 'Edit', { class: 'button edit' }) : null,
      may('admin') ? h('button', { class: 'danger delete', onclick: () => remove(d) }, 'Delete') : null,
      result));
}

async function test(d, out) {
  clear(out).append('testing…');
  const r = await guard(() => post(`/api/v1/data-sources/${encodeURIComponent(d.id)}/test`));
  clear(out);
  if (r) out.append(badge(r.ok ? 'OK' : 'FAILED'), ` ${r.ok ? `${r.tookMs} ms` : r.error}`);
}

async function remove(d) {
  if (!confirm(`Delete data source ${d.id}?`)) return;
  if (await guard(() => del(`/api/v1/data-sources/${encodeURIComponent(d.id)}`).then(() => true))) go('#/data-sources');
}

function form(d) {
  const kind = d?.kind || 'MYSQL';
  const secret = set => (d ? (set ? 'set; leave empty to keep it' : 'not set') : '');
  const f = h('form', { class: 'grid', novalidate: true },
    h('h2', {}, d ? `Edit ${d.id}` : 'New data source'),
    field('id', input('id', d?.id, { disabled: !!d, placeholder: 'optional: letters, digits, _.-' })),
    field('name', input('name', d?.name)),
    teamField(d),
    field('kind', select('kind', KINDS, kind, { disabled: !!d, onchange: () => showKind(f) })),
    h('div', { class: 'kind-fields' },
      field('mode', select('redisMode', ['STANDALONE', 'CLUSTER', 'SENTINEL'], d?.redisMode || 'STANDALONE',
        { onchange: () => showKind(f) })),
      field('host', input('host', d?.host ?? '127.0.0.1')),
      field('port', input('port', d?.port, { type: 'number' })),
      field('hosts', input('hosts', d?.hosts?.join(', '), { placeholder: 'comma separated' })),
      field('master name', input('masterName', d?.masterName)),
      field('database', input('database', d?.database)),
      field('redis db', input('redisDb', d?.redisDb, { type: 'number' })),
      field('key prefix', input('keyPrefix', d?.keyPrefix)),
      field('base URL', input('baseUrl', d?.baseUrl)),
      field('headers', textarea('headers', d?.headers && Object.keys(d.headers).length ? JSON.stringify(d.headers) : '',
        { placeholder: '{"Authorization": "..."}' }), 'values are write-only: ****** keeps the stored one'),
      field('user', input('user', d?.user)),
      field('password', input('password', '', { type: 'password', autocomplete: 'new-password', placeholder: secret(d?.passwordSet) })),
      field('API key', input('apiKey', '', { type: 'password', autocomplete: 'new-password', placeholder: secret(d?.apiKeySet) })),
      field('TLS', checkbox('tls', d?.tls)),
      field('TLS CA file', input('tlsCaFile', d?.tlsCaFile, { placeholder: 'PEM file on the Tally server' })),
      field('pool size', input('poolSize', d?.poolSize, { type: 'number' })),
      field('timeout ms', input('timeoutMs', d?.timeoutMs, { type: 'number' }))),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      linkTo('#/data-sources', 'Cancel', { class: 'button' })));
  f.addEventListener('submit', e => { e.preventDefault(); save(f, d); });
  showKind(f);
  return f;
}

function showKind(f) {
  const kind = f.elements.kind.value;
  const mode = f.elements.redisMode.value;
  for (const el of f.querySelectorAll('.kind-fields [name]')) {
    let on = FIELDS[kind].includes(el.name);
    if (kind === 'REDIS' && (el.name === 'host' || el.name === 'port')) on = mode === 'STANDALONE';
    if (kind === 'REDIS' && el.name === 'hosts') on = mode !== 'STANDALONE';
    if (kind === 'REDIS' && el.name === 'masterName') on = mode === 'SENTINEL';
    el.closest('label').hidden = !on;
  }
  if (!f.elements.port.value && PORTS[kind] && !f.elements.id.disabled) f.elements.port.placeholder = String(PORTS[kind]);
}

export function body(form, kind) {
  const v = values(form);
  const out = { id: v.id, name: v.name, kind };
  for (const name of FIELDS[kind]) {
    if (!(name in v)) continue;
    if (name === 'hosts') out.hosts = list(v.hosts);
    else if (name === 'headers') out.headers = v.headers ? JSON.parse(v.headers) : undefined;
    else if (name === 'tls') out.tls = v.tls || undefined;
    else if (NUMBERS.includes(name)) out[name] = num(v[name]);
    else if (name === 'password' || name === 'apiKey') out[name] = v[name] || undefined; // empty keeps the stored one
    else out[name] = v[name];
  }
  if (kind === 'REDIS' && out.redisMode === 'STANDALONE') delete out.redisMode;
  return prune(out);
}

async function save(f, d) {
  clearFieldErrors(f);
  hideBanner();
  const kind = f.elements.kind.value;
  let payload;
  try {
    payload = body(f, kind);
  } catch (e) {
    showBanner(`headers: not JSON (${e.message})`);
    return;
  }
  const saved = await guard(() => (d
    ? put(`/api/v1/data-sources/${encodeURIComponent(d.id)}`, withTeam({ ...payload, id: d.id }, d))
    : post('/api/v1/data-sources', withTeam(payload))), f);
  if (saved) {
    go('#/data-sources', `Data source ${saved.id} saved`);
  }
}
