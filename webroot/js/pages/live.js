// Live: server-sent stats (one "stats" event per second from /api/v1/live), refreshing by itself.
import { clear, h, table } from '../ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const KEEP = 120;

export function render(main) {
  const numbers = h('div', { class: 'tiles', id: 'live-numbers' });
  const spark = document.createElementNS(SVG, 'svg');
  spark.setAttribute('viewBox', `0 0 ${KEEP * 5} 100`);
  spark.setAttribute('class', 'chart spark');
  spark.id = 'live-chart';
  const perTask = h('div', { id: 'live-tasks' });
  const state = h('p', { class: 'state', id: 'live-state' }, 'connecting…');
  main.append(h('h1', {}, 'Live'), state, numbers, spark, perTask);
  const history = [];
  const source = new EventSource('/api/v1/live');
  source.onopen = () => { state.textContent = 'connected'; };
  source.onerror = () => { state.textContent = 'disconnected; retrying…'; };
  source.addEventListener('stats', e => {
    const s = JSON.parse(e.data);
    state.textContent = `updated ${new Date(s.at).toLocaleTimeString()}`;
    clear(numbers).append(...[
      ['events/s', s.eventsPerSec], ['results/s', s.resultsPerSec], ['failures/s', s.failuresPerSec],
      ['jobs waiting', s.jobsWaiting], ['jobs due', s.jobsDue], ['jobs in flight', s.jobsInFlight],
    ].map(([k, v]) => h('div', { class: 'tile', 'data-stat': k }, h('span', { class: 'value' }, fmt(v)), h('span', { class: 'name' }, k))));
    history.push(s);
    if (history.length > KEEP) history.shift();
    draw(spark, history);
    clear(perTask).append(table(['task', 'results/s', 'failures/s'], (s.perTask || []).map(t => h('tr', {},
      h('td', {}, t.taskId), h('td', {}, fmt(t.resultsPerSec)), h('td', {}, fmt(t.failuresPerSec))))));
  });
  return () => source.close();
}

function fmt(v) {
  return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : '';
}

function draw(el, history) {
  while (el.firstChild) el.removeChild(el.firstChild);
  const max = Math.max(1, ...history.map(s => Math.max(s.resultsPerSec || 0, s.eventsPerSec || 0)));
  for (const [key, cls] of [['resultsPerSec', 'pass'], ['failuresPerSec', 'fail']]) {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('class', `line ${cls}`);
    line.setAttribute('points', history.map((s, i) => `${i * 5},${100 - ((s[key] || 0) / max) * 95}`).join(' '));
    el.append(line);
  }
}
