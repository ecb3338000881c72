// The admin shell: hash routing (#/page?query), the menu, the error banner. Each page module exports
// render(main, params) and may return a cleanup function (run when the page is left).
import { clear, errorText, h, hideBanner, showBanner, takeNotice } from './ui.js';
import * as tasks from './pages/tasks.js';
import * as taskForm from './pages/task-form.js';
import * as dataSources from './pages/data-sources.js';
import * as eventSources from './pages/event-sources.js';
import * as tryIt from './pages/try.js';
import * as results from './pages/results.js';
import * as discrepancies from './pages/discrepancies.js';
import * as reports from './pages/reports.js';
import * as live from './pages/live.js';
import * as alerts from './pages/alerts.js';

const routes = {
  'tasks': [tasks.list, 'tasks'],
  'task': [taskForm.render, 'tasks'],
  'data-sources': [dataSources.render, 'data-sources'],
  'event-sources': [eventSources.render, 'event-sources'],
  'try': [tryIt.render, 'try'],
  'results': [results.list, 'results'],
  'result': [results.detail, 'results'],
  'discrepancies': [discrepancies.list, 'discrepancies'],
  'discrepancy': [discrepancies.detail, 'discrepancies'],
  'reports': [reports.render, 'reports'],
  'live': [live.render, 'live'],
  'alerts': [alerts.render, 'alerts'],
};

let cleanup = null;

/** Parses location.hash: '#/discrepancies?taskId=x' -> ['discrepancies', {taskId: 'x'}]. */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  return [path || 'tasks', Object.fromEntries(new URLSearchParams(query || ''))];
}

async function route() {
  if (cleanup) {
    try { cleanup(); } catch { /* a page's cleanup must not block the next page */ }
    cleanup = null;
  }
  hideBanner();
  const notice = takeNotice();
  if (notice) showBanner(notice, 'info');
  const [path, params] = parseHash(location.hash);
  const [render, menu] = routes[path] || [notFound, null];
  document.querySelectorAll('#menu a').forEach(a => a.classList.toggle('active', a.dataset.page === menu));
  const main = clear(document.getElementById('page'));
  main.dataset.page = path;
  main.setAttribute('aria-busy', 'true');
  try {
    const result = await render(main, params);
    if (typeof result === 'function') cleanup = result;
  } catch (err) {
    // a page whose data did not load still says where the user is
    if (!main.querySelector('h1')) main.prepend(h('h1', {}, document.querySelector(`#menu a[data-page="${menu}"]`)?.textContent || path));
    showBanner(errorText(err));
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
}

function notFound(main) {
  main.append(h('h1', {}, 'Not found'), h('p', {}, 'No such page. Pick one from the menu.'));
}

window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', e => showBanner(errorText(e.reason || {})));
route();
