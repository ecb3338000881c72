// Failures: stored FAIL/ERROR results (newest first, paged by nextCursor) and one result in full.
import { get, qs } from '../api.js';
import { badge, field, go, guard, h, input, linkTo, select, table, time, values, epoch } from '../ui.js';
import { resultView, storedParts } from './result-view.js';

export async function list(main, params) {
  const { items: tasks } = await get('/api/v1/tasks');
  const f = h('form', { class: 'filters', id: 'results-filters' },
    field('task', select('taskId', [['', '(all)'], ...tasks.map(t => [t.id, t.name])], params.taskId)),
    field('status', select('status', [['', '(any stored)'], 'FAIL', 'ERROR', 'PASS'], params.status)),
    field('from', input('from', params.from, { type: 'datetime-local' })),
    field('to', input('to', params.to, { type: 'datetime-local' })),
    h('button', { type: 'submit' }, 'Filter'));
  f.addEventListener('submit', e => { e.preventDefault(); go(`#/results${qs(values(f))}`); });
  const body = h('tbody', {});
  const more = h('button', { id: 'more', hidden: true }, 'More');
  main.append(h('h1', {}, 'Failures'), f,
    h('table', { id: 'results' }, h('thead', {}, h('tr', {}, ['finished', 'status', 'task', 'entity', 'diffs / error', 'attempts'].map(x => h('th', {}, x)))), body),
    more);
  const query = { taskId: params.taskId, status: params.status, from: epoch(params.from), to: epoch(params.to), limit: 50 };
  const page = async cursor => {
    const res = await guard(() => get(`/api/v1/results${qs({ ...query, cursor })}`));
    if (!res) return;
    for (const r of res.items) body.append(row(r));
    if (!body.children.length) body.append(h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'no results')));
    more.hidden = !res.nextCursor;
    more.onclick = () => page(res.nextCursor);
  };
  await page();
}

function row(r) {
  const what = r.error || (r.diffs || []).map(d => `${d.kind} ${d.field}`).join(', ');
  return h('tr', { 'data-id': r.id },
    h('td', {}, linkTo(`#/result?id=${encodeURIComponent(r.id)}`, time(r.finishedAt || r.createdAt))),
    h('td', {}, badge(r.status)), h('td', {}, r.taskId), h('td', {}, h('code', {}, r.entityKey || '')),
    h('td', {}, what), h('td', {}, r.attempts));
}

export async function detail(main, params) {
  const r = await get(`/api/v1/results/${encodeURIComponent(params.id || '')}`);
  main.append(h('div', { class: 'bar' }, h('h1', {}, `Result ${r.id}`),
    linkTo(`#/results?taskId=${encodeURIComponent(r.taskId)}`, 'All failures of this task', { class: 'button' })),
  resultView(r), ...storedParts(r).flat().filter(Boolean));
}
