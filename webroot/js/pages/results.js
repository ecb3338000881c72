// Failures: stored FAIL/ERROR results (newest first, paged by nextCursor) and one result in full.
import { get, post, qs } from '../api.js';
import { badge, clear, field, go, guard, h, input, linkTo, select, table, time, values, epoch } from '../ui.js';
import { resultView, storedParts } from './result-view.js';
import { inTeam, may } from '../session.js';

export async function list(main, params) {
  const tasks = inTeam((await get('/api/v1/tasks')).items);
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
  const queued = h('span', { id: 'rerun-result' });
  main.append(h('div', { class: 'bar' }, h('h1', {}, `Result ${r.id}`),
    h('div', {},
      may('operator') ? h('button', { id: 'rerun', title: 'check this entity again on the stored event; the verdict is a new result',
        onclick: () => rerun(r, queued) }, 'Re-run') : null,
      linkTo(`#/results?taskId=${encodeURIComponent(r.taskId)}`, 'All failures of this task', { class: 'button' }), queued)),
  resultView(r), ...storedParts(r).flat().filter(Boolean));
}

async function rerun(r, out) {
  clear(out).append('queueing…');
  const job = await guard(() => post(`/api/v1/results/${encodeURIComponent(r.id)}/rerun`));
  clear(out);
  if (job) {
    out.append('queued ', h('code', {}, job.jobId || ''), ': its verdict will be a new result ',
      linkTo(`#/results?taskId=${encodeURIComponent(r.taskId)}`, 'in the failures of this task'));
  }
}
