// Reports: PASS/FAIL/ERROR per day, week or month, per task or overall; an SVG chart, a table, a CSV link.
import { get, qs } from '../api.js';
import { epoch, field, go, h, input, linkTo, select, table, values } from '../ui.js';
import { inTeam } from '../session.js';

const SVG = 'http://www.w3.org/2000/svg';

export async function render(main, params) {
  const tasks = inTeam((await get('/api/v1/tasks')).items);
  const period = params.period || 'day';
  const f = h('form', { class: 'filters', id: 'report-filters' },
    field('task', select('taskId', [['', '(all tasks)'], ...tasks.map(t => [t.id, t.name])], params.taskId)),
    field('period', select('period', ['day', 'week', 'month'], period)),
    field('from', input('from', params.from, { type: 'datetime-local' })),
    field('to', input('to', params.to, { type: 'datetime-local' })),
    h('button', { type: 'submit' }, 'Show'));
  f.addEventListener('submit', e => { e.preventDefault(); go(`#/reports${qs(values(f))}`); });
  const query = qs({ taskId: params.taskId, period, from: epoch(params.from), to: epoch(params.to) });
  const report = await get(`/api/v1/reports${query}`);
  const items = [...(report.items || [])].sort((a, b) => a.start - b.start);
  main.append(
    h('div', { class: 'bar' }, h('h1', {}, 'Reports'), linkTo(`/api/v1/reports.csv${query}`, 'Export CSV', { class: 'button', id: 'csv', download: 'tally-report.csv' })),
    f,
    chart(items),
    // the chart reads left to right in time; the table starts with the newest period
    table(['start', 'pass', 'fail', 'error', 'total', 'pass rate'], [...items].reverse().map(i => h('tr', {},
      h('td', {}, i.startIso || new Date(i.start).toISOString()), h('td', {}, i.pass), h('td', {}, i.fail), h('td', {}, i.error),
      h('td', {}, i.total), h('td', {}, rate(i.passRate)))), { id: 'report-table' }));
}

function rate(r) {
  return r === null || r === undefined ? '' : `${(r * 100).toFixed(2)} %`;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}

/** Stacked bars (pass, fail, error) per period. */
export function chart(items) {
  const W = 720; const H = 220; const PAD = 30;
  const max = Math.max(1, ...items.map(i => i.total));
  const bw = items.length ? (W - PAD * 2) / items.length : 0;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', id: 'report-chart', role: 'img', 'aria-label': 'checks per period' });
  root.append(svg('line', { x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, class: 'axis' }),
    svg('text', { x: 2, y: PAD - 8, class: 'label' }, String(max)));
  items.forEach((i, n) => {
    let y = H - PAD;
    const x = PAD + n * bw + bw * 0.1;
    for (const [k, cls] of [['pass', 'pass'], ['fail', 'fail'], ['error', 'error']]) {
      const hgt = ((i[k] || 0) / max) * (H - PAD * 2);
      if (hgt <= 0) continue;
      y -= hgt;
      root.append(svg('rect', { x, y, width: bw * 0.8, height: hgt, class: `bar ${cls}` },
        svg('title', {}, `${i.startIso || i.start}: ${i[k]} ${k}`)));
    }
    // at most about ten labels, always the last one, so they never run into each other
    const every = Math.ceil(items.length / 10);
    if ((items.length - 1 - n) % every === 0) {
      root.append(svg('text', { x: x + bw * 0.4, y: H - PAD + 14, class: 'label', 'text-anchor': 'middle' },
        (i.startIso || '').slice(items.length > 0 && i.startIso && i.startIso.slice(0, 4) !== items[items.length - 1].startIso.slice(0, 4) ? 0 : 5, 10)));
    }
  });
  if (!items.length) root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'label' }, 'no checks in this range'));
  return root;
}
