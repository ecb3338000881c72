// Event sources: list, create/edit (API or BINLOG), delete; an API source's ingestion tokens (shown once).
import { del, get, post, put } from '../api.js';
import {
  checkbox, clearFieldErrors, field, go, guard, h, hideBanner, input, linkTo, num, prune, select, shownOnce, table,
  teamField, time, values,
} from '../ui.js';
import { inTeam, may, withTeam } from '../session.js';

const BINLOG_FIELDS = ['database', 'table', 'topic', 'topicPattern', 'format', 'connector', 'dataSourceId', 'serverId'];

export async function render(main, params) {
  const [{ items: all }, { items: dataSources }] = await Promise.all([get('/api/v1/event-sources'), get('/api/v1/data-sources')]);
  const items = inTeam(all);
  const admin = may('admin');
  const editing = params.id ? items.find(e => e.id === params.id) : null;
  const tokensOf = params.tokens ? items.find(e => e.id === params.tokens) : null;
  const box = h('section', { class: 'card', id: 'event-source-form' });
  main.append(
    h('div', { class: 'bar' }, h('h1', {}, 'Event sources'), admin ? linkTo('#/event-sources?new=1', 'New event source', { class: 'button primary', id: 'new-event-source' }) : null),
    table(['id', 'name', 'kind', 'from', ''], items.map(e => h('tr', { 'data-id': e.id },
      h('td', {}, h('code', {}, e.id)), h('td', {}, e.name), h('td', {}, e.kind),
      h('td', {}, e.kind === 'API' ? `POST /api/v1/events/${e.id}` : [e.database, e.table].filter(Boolean).join('.') + (e.topic ? ` (topic ${e.topic})` : e.dataSourceId ? ` (binlog of ${e.dataSourceId})` : '')),
      h('td', { class: 'actions' },
        admin ? linkTo(`#/event-sources?id=${encodeURIComponent(e.id)}`, 'Edit', { class: 'button edit' }) : null,
        admin && e.kind === 'API' ? linkTo(`#/event-sources?tokens=${encodeURIComponent(e.id)}`, 'Tokens', { class: 'button tokens' }) : null,
        admin ? h('button', { class: 'danger delete', onclick: () => remove(e) }, 'Delete') : null)))),
    box);
  if (admin && tokensOf) box.append(await tokens(tokensOf));
  else if (admin && (editing || params.new)) box.append(form(editing, dataSources));
  else box.hidden = true;
}

/** The ingestion tokens of an API event source: a producer posts with one to this source and nothing else. */
async function tokens(e) {
  const base = `/api/v1/event-sources/${encodeURIComponent(e.id)}/tokens`;
  const { items } = await get(base);
  const created = h('div', { id: 'new-ingest-token' });
  const f = h('form', { class: 'grid', id: 'ingest-token-form', novalidate: true },
    field('name', input('name', '', { placeholder: 'e.g. order service' })),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'ingest-token-create' }, 'Create token')));
  f.addEventListener('submit', async ev => {
    ev.preventDefault();
    clearFieldErrors(f);
    hideBanner();
    const t = await guard(() => post(base, { name: values(f).name }), f);
    if (!t) return;
    f.reset();
    const curl = `curl -XPOST ${location.origin}/api/v1/events/${e.id} \\\n  -H 'Authorization: Bearer ${t.token}' \\\n`
      + `  -H 'Content-Type: application/json' \\\n  -d '{"op": "UPDATE", "data": {"id": 1}}'`;
    created.replaceChildren(shownOnce(`Ingestion token "${t.name}" for ${e.id}`, t.token,
      h('p', {}, 'The producer posts events with it (to this event source only):'), h('pre', { class: 'curl' }, curl)));
    list.replaceWith(list = tokenTable(e, (await guard(() => get(base)))?.items || []));
  });
  let list = tokenTable(e, items);
  return h('div', {}, h('h2', {}, `Ingestion tokens of ${e.name} (${e.id})`), list, created, f,
    linkTo('#/event-sources', 'Close', { class: 'button' }));
}

function tokenTable(e, items) {
  return table(['name', 'created', 'last used', ''], items.map(t => h('tr', { 'data-id': t.id },
    h('td', {}, t.name), h('td', {}, time(t.createdAt)), h('td', {}, t.lastUsedAt ? time(t.lastUsedAt) : 'never'),
    h('td', { class: 'actions' }, h('button', { class: 'danger revoke', onclick: () => revoke(e, t) }, 'Revoke')))),
  { id: 'ingest-tokens' });
}

async function revoke(e, t) {
  if (!confirm(`Revoke token ${t.name}? Producers using it are refused at once.`)) return;
  const path = `/api/v1/event-sources/${encodeURIComponent(e.id)}/tokens/${encodeURIComponent(t.id)}`;
  if (await guard(() => del(path).then(() => true))) go(`#/event-sources?tokens=${encodeURIComponent(e.id)}`, `Token ${t.name} revoked`);
}

async function remove(e) {
  if (!confirm(`Delete event source ${e.id}?`)) return;
  if (await guard(() => del(`/api/v1/event-sources/${encodeURIComponent(e.id)}`).then(() => true))) go('#/event-sources');
}

function form(e, dataSources) {
  const mysql = dataSources.filter(d => d.kind === 'MYSQL').map(d => [d.id, `${d.name} (${d.id})`]);
  const f = h('form', { class: 'grid', novalidate: true },
    h('h2', {}, e ? `Edit ${e.id}` : 'New event source'),
    field('id', input('id', e?.id, { disabled: !!e, placeholder: 'optional' })),
    field('name', input('name', e?.name)),
    teamField(e),
    field('kind', select('kind', ['API', 'BINLOG'], e?.kind || 'API', { onchange: () => showKind(f) })),
    h('div', { class: 'kind-fields' },
      field('database', input('database', e?.database)),
      field('table', input('table', e?.table)),
      field('Kafka topic', input('topic', e?.topic), 'from a CDC tool through Kafka'),
      field('topic is a pattern', checkbox('topicPattern', e?.topicPattern)),
      field('format', input('format', e?.format, { placeholder: 'e.g. canal, maxwell, debezium' })),
      field('connector', input('connector', e?.connector)),
      field('read the binlog of', select('dataSourceId', [['', '(through Kafka)'], ...mysql], e?.dataSourceId), 'direct binlog'),
      field('server id', input('serverId', e?.serverId, { type: 'number' }))),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      linkTo('#/event-sources', 'Cancel', { class: 'button' })));
  f.addEventListener('submit', ev => { ev.preventDefault(); save(f, e); });
  showKind(f);
  return f;
}

function showKind(f) {
  const binlog = f.elements.kind.value === 'BINLOG';
  f.querySelectorAll('.kind-fields label').forEach(l => { l.hidden = !binlog; });
}

async function save(f, e) {
  clearFieldErrors(f);
  hideBanner();
  const v = values(f);
  const payload = { id: e?.id || v.id, name: v.name, kind: v.kind };
  if (v.kind === 'BINLOG') {
    for (const k of BINLOG_FIELDS) payload[k] = k === 'serverId' ? num(v[k]) : k === 'topicPattern' ? v[k] || undefined : v[k];
  }
  const saved = await guard(() => (e
    ? put(`/api/v1/event-sources/${encodeURIComponent(e.id)}`, withTeam(prune(payload), e))
    : post('/api/v1/event-sources', withTeam(prune(payload)))), f);
  if (saved) {
    go('#/event-sources', `Event source ${saved.id} saved`);
  }
}
