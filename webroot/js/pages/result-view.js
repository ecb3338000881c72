// One result shown in full: verdict, diffs, both sides side by side (differing fields highlighted) with their
// queries and bound values; for stored results also attempts, callbacks, the suggested and applied repairs.
import { badge, cell, h, json, linkTo, table, time } from '../ui.js';

export function resultView(r) {
  const leftBad = new Set((r.diffs || []).map(d => top(d.field)).filter(Boolean));
  const rightBad = new Set((r.diffs || []).map(d => top(d.rightField || d.field)).filter(Boolean));
  return h('div', { class: 'result', 'data-status': r.status },
    h('p', { class: 'verdict' }, badge(r.status), r.entityKey ? [' entity ', h('code', {}, r.entityKey)] : null,
      r.taskId ? [' task ', linkTo(`#/task?id=${encodeURIComponent(r.taskId)}`, r.taskId)] : null,
      r.finishedAt ? ` at ${time(r.finishedAt)}` : null),
    r.error ? h('p', { class: 'error-text' }, r.error) : null,
    h('h3', {}, 'Differences'),
    table(['kind', 'left field', 'right field', 'left value', 'right value', 'comparator', 'detail'],
      (r.diffs || []).map(d => h('tr', { class: `diff ${d.kind}` },
        h('td', {}, d.kind), h('td', {}, d.field), h('td', {}, d.rightField || d.field),
        h('td', {}, cell(d.leftValue)), h('td', {}, cell(d.rightValue)), h('td', {}, d.comparator || ''),
        h('td', {}, [d.side ? `missing on the ${d.side}` : '', d.detail || ''].filter(Boolean).join('; ')))),
      { class: 'diffs' }),
    h('div', { class: 'sides' }, side('Left', r.left, leftBad), side('Right', r.right, rightBad)),
    r.event ? [h('h3', {}, 'Event'), h('pre', {}, json(r.event))] : null);
}

/** The entity's own field a diff names: "[2].qty" and "a.b" highlight "qty"/"a". */
function top(field) {
  if (!field) return null;
  return field.replace(/^\[\d+\]\.?/, '').split(/[.[]/)[0] || field;
}

function side(title, s, bad) {
  if (!s) return h('section', { class: 'side' }, h('h3', {}, title), h('p', {}, 'not read'));
  const values = s.values || {};
  const rows = Object.keys(values).map(k => h('tr', { class: bad.has(k) ? 'differs' : '' },
    h('th', {}, k), h('td', {}, cell(values[k]))));
  return h('section', { class: `side ${title.toLowerCase()}` },
    h('h3', {}, title, ' ', s.found ? badge('FOUND') : badge('MISSING'), s.tookMs !== undefined ? h('small', {}, ` ${s.tookMs} ms`) : null),
    h('div', { class: 'query' }, h('code', {}, s.query || '')),
    s.params?.length ? h('div', { class: 'params' }, 'params: ', h('code', {}, JSON.stringify(s.params))) : null,
    s.error ? h('p', { class: 'error-text' }, s.error) : null,
    rows.length ? h('table', { class: 'values' }, h('tbody', {}, rows)) : null,
    s.rows?.length ? [h('h4', {}, `${s.rows.length} rows`), h('pre', {}, json(s.rows))] : null);
}

/** The parts only a stored result has. */
export function storedParts(r) {
  return [
    h('h3', {}, 'Attempts'),
    table(['#', 'status', 'started', 'took ms', 'summary'], (r.history || []).map(a => h('tr', {},
      h('td', {}, a.number), h('td', {}, badge(a.status)), h('td', {}, time(a.startedAt)), h('td', {}, a.tookMs), h('td', {}, a.summary || ''))),
    { class: 'attempts' }),
    h('h3', {}, 'Callback calls'),
    table(['attempt', 'status code', 'error', 'took ms', 'at'], (r.callbacks || []).map(c => h('tr', { class: c.error ? 'failed' : '' },
      h('td', {}, c.attempt), h('td', {}, c.statusCode ?? ''), h('td', {}, c.error || ''), h('td', {}, c.tookMs), h('td', {}, time(c.at)))),
    { class: 'callbacks' }),
    h('h3', {}, 'Suggested repair'),
    repair(r.repair),
    r.repairs?.length ? [h('h3', {}, 'Applied repairs'), table(['action', 'text', 'values', 'ok', 'error', 'at'],
      r.repairs.map(x => h('tr', {}, h('td', {}, x.action), h('td', {}, h('code', {}, x.text)), h('td', {}, cell(x.values)),
        h('td', {}, x.ok ? 'yes' : 'no'), h('td', {}, x.error || ''), h('td', {}, time(x.at)))))] : null,
    r.recheck ? h('p', {}, 'Re-check: ', linkTo(`#/result?id=${encodeURIComponent(r.recheck.resultId)}`, r.recheck.resultId), ' ', badge(r.recheck.status || '?')) : null,
    r.recheckOf ? h('p', {}, 'Re-check of ', linkTo(`#/result?id=${encodeURIComponent(r.recheckOf)}`, r.recheckOf)) : null,
  ];
}

function repair(plan) {
  if (!plan) return h('p', { class: 'repair' }, 'none');
  return h('div', { class: 'repair' },
    h('p', {}, `on ${plan.target} ${plan.dataSourceId || ''}`),
    plan.reason ? h('p', {}, plan.reason) : null,
    (plan.operations || []).map(op => h('div', { class: 'operation' },
      h('code', {}, op.text), ' ', h('small', {}, `values ${JSON.stringify(op.values || [])}`))));
}
