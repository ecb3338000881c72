// Discrepancies: an entity whose sides disagree, from its first FAIL until a PASS closes it; filters, paging,
// and triage (state + comment).
import { get, put, qs } from '../api.js';
import {
  badge, clearFieldErrors, epoch, field, go, guard, h, input, linkTo, select, table, textarea, time, values,
} from '../ui.js';
import { inTeam, may } from '../session.js';

const STATES = ['open', 'acknowledged', 'ignored', 'resolved'];

function duration(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

export async function list(main, params) {
  const tasks = inTeam((await get('/api/v1/tasks')).items);
  const f = h('form', { class: 'filters', id: 'discrepancy-filters' },
    field('task', select('taskId', [['', '(all)'], ...tasks.map(t => [t.id, t.name])], params.taskId)),
    field('state', select('state', [['', '(any)'], ...STATES], params.state)),
    field('opened from', input('from', params.from, { type: 'datetime-local' })),
    field('opened to', input('to', params.to, { type: 'datetime-local' })),
    field('entity key', input('key', params.key)),
    h('button', { type: 'submit' }, 'Filter'));
  f.addEventListener('submit', e => { e.preventDefault(); go(`#/discrepancies${qs(values(f))}`); });
  const body = h('tbody', {});
  const more = h('button', { id: 'more', hidden: true }, 'More');
  main.append(h('h1', {}, 'Discrepancies'), f,
    h('table', { id: 'discrepancies' }, h('thead', {}, h('tr', {},
      ['opened', 'task', 'entity', 'state', 'FAILs', 'last FAIL', 'disagreed for', 'comment'].map(x => h('th', {}, x)))), body),
    more);
  const query = { taskId: params.taskId, state: params.state, from: epoch(params.from), to: epoch(params.to), key: params.key, limit: 50 };
  const page = async cursor => {
    const res = await guard(() => get(`/api/v1/discrepancies${qs({ ...query, cursor })}`));
    if (!res) return;
    for (const d of res.items) {
      body.append(h('tr', { 'data-id': d.id },
        h('td', {}, linkTo(`#/discrepancy?id=${encodeURIComponent(d.id)}`, time(d.openedAt))),
        h('td', {}, d.taskId), h('td', {}, h('code', {}, d.entityKey)), h('td', {}, badge(d.state)), h('td', {}, d.failCount),
        h('td', {}, time(d.lastFailAt)), h('td', {}, d.closedAt ? duration(d.durationMs) : `open ${duration(Date.now() - d.openedAt)}`),
        h('td', {}, d.comment || '')));
    }
    if (!body.children.length) body.append(h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'no discrepancies')));
    more.hidden = !res.nextCursor;
    more.onclick = () => page(res.nextCursor);
  };
  await page();
}

export async function detail(main, params) {
  const d = await get(`/api/v1/discrepancies/${encodeURIComponent(params.id || '')}`);
  const f = h('form', { id: 'triage', class: 'grid', novalidate: true },
    h('h2', {}, 'Triage'),
    field('state', select('state', STATES, d.state)),
    field('comment', textarea('comment', d.comment || '', { rows: 2 })),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Save')));
  f.addEventListener('submit', async e => {
    e.preventDefault();
    clearFieldErrors(f);
    const v = values(f);
    const saved = await guard(() => put(`/api/v1/discrepancies/${encodeURIComponent(d.id)}/triage`, { state: v.state, comment: v.comment || null }), f);
    if (saved) {
      go(`#/discrepancy?id=${encodeURIComponent(d.id)}`, `Discrepancy set to ${saved.state}`);
    }
  });
  main.append(
    h('div', { class: 'bar' }, h('h1', {}, `Discrepancy ${d.id}`),
      linkTo(`#/discrepancies?taskId=${encodeURIComponent(d.taskId)}`, 'All of this task', { class: 'button' })),
    h('dl', { class: 'facts' },
      h('dt', {}, 'task'), h('dd', {}, linkTo(`#/task?id=${encodeURIComponent(d.taskId)}`, d.taskId)),
      h('dt', {}, 'entity'), h('dd', {}, h('code', {}, d.entityKey)),
      h('dt', {}, 'state'), h('dd', {}, badge(d.state)),
      h('dt', {}, 'opened'), h('dd', {}, time(d.openedAt)),
      h('dt', {}, 'last FAIL'), h('dd', {}, time(d.lastFailAt)),
      h('dt', {}, 'FAILs'), h('dd', {}, d.failCount),
      h('dt', {}, 'closed'), h('dd', {}, d.closedAt ? `${time(d.closedAt)} after ${duration(d.durationMs)}` : 'still open')),
    may('operator') ? f : null,
    h('h3', {}, 'History'),
    table(['at', 'state', 'comment'], (d.history || []).map(x => h('tr', {}, h('td', {}, time(x.at)), h('td', {}, badge(x.state)), h('td', {}, x.comment || '')))),
    h('h3', {}, 'Its FAIL results'),
    h('ul', { class: 'result-ids' }, (d.resultIds || []).map(id => h('li', {}, linkTo(`#/result?id=${encodeURIComponent(id)}`, id)))));
}
