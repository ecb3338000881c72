// Event sources: list, create/edit (API or BINLOG), delete.
import { del, get, post, put } from '../api.js';
import {
  checkbox, clearFieldErrors, field, go, guard, h, hideBanner, input, linkTo, num, prune, select, table,
  values,
} from '../ui.js';

const BINLOG_FIELDS = ['database', 'table', 'topic', 'topicPattern', 'format', 'connector', 'dataSourceId', 'serverId'];

export async function render(main, params) {
  const [{ items }, { items: dataSources }] = await Promise.all([get('/api/v1/event-sources'), get('/api/v1/data-sources')]);
  const editing = params.id ? items.find(e => e.id === params.id) : null;
  const box = h('section', { class: 'card', id: 'event-source-form' });
  main.append(
    h('div', { class: 'bar' }, h('h1', {}, 'Event sources'), linkTo('#/event-sources?new=1', 'New event source', { class: 'button primary' })),
    table(['id', 'name', 'kind', 'from', ''], items.map(e => h('tr', { 'data-id': e.id },
      h('td', {}, h('code', {}, e.id)), h('td', {}, e.name), h('td', {}, e.kind),
      h('td', {}, e.kind === 'API' ? `POST /api/v1/events/${e.id}` : [e.database, e.table].filter(Boolean).join('.') + (e.topic ? ` (topic ${e.topic})` : e.dataSourceId ? ` (binlog of ${e.dataSourceId})` : '')),
      h('td', { class: 'actions' },
        linkTo(`#/event-sources?id=${encodeURIComponent(e.id)}`, 'Edit', { class: 'button' }),
        h('button', { class: 'danger', onclick: () => remove(e) }, 'Delete'))))),
    box);
  if (editing || params.new) box.append(form(editing, dataSources));
  else box.hidden = true;
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
    ? put(`/api/v1/event-sources/${encodeURIComponent(e.id)}`, prune(payload))
    : post('/api/v1/event-sources', prune(payload))), f);
  if (saved) {
    go('#/event-sources', `Event source ${saved.id} saved`);
  }
}
