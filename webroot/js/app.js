// The admin shell: sign-in (status -> setup or login -> me), hash routing (#/page?query), the menu, the team
// switcher, the error banner. Each page module exports render(main, params) and may return a cleanup function
// (run when the page is left).
import { get, post, setCsrfToken, whenUnauthenticated } from './api.js';
import { clear, errorText, h, hideBanner, showBanner, takeNotice } from './ui.js';
import { chooseTeam, currentTeam, isOwner, may, roleIn, setUser, teams, user } from './session.js';
import { loginPage, setupPage } from './pages/sign-in.js';
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
import * as account from './pages/account.js';
import * as users from './pages/users.js';
import * as teamsPage from './pages/teams.js';

/** page -> [render, menu entry, what the user must be: a role in the current team, 'owner' or 'user'] */
const routes = {
  'tasks': [tasks.list, 'tasks'],
  'task': [taskForm.render, 'tasks', 'admin'],
  'data-sources': [dataSources.render, 'data-sources'],
  'event-sources': [eventSources.render, 'event-sources'],
  'try': [tryIt.render, 'try', 'operator'],
  'results': [results.list, 'results'],
  'result': [results.detail, 'results'],
  'discrepancies': [discrepancies.list, 'discrepancies'],
  'discrepancy': [discrepancies.detail, 'discrepancies'],
  'reports': [reports.render, 'reports'],
  'live': [live.render, 'live'],
  'alerts': [alerts.render, 'alerts'],
  'account': [account.render, 'account', 'user'],
  'users': [users.render, 'users', 'owner'],
  'teams': [teamsPage.render, 'teams', 'owner'],
};

let cleanup = null;
let mode = 'closed';

/** Parses location.hash: '#/discrepancies?taskId=x' -> ['discrepancies', {taskId: 'x'}]. */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  return [path || 'tasks', Object.fromEntries(new URLSearchParams(query || ''))];
}

function allowed(need, params) {
  if (!need) return true;
  if (need === 'owner') return isOwner();
  if (need === 'user') return mode !== 'open';
  // anyone may read a task in its form (it links from results); saving is the admin's
  return may(need) || (need === 'admin' && !!params.id);
}

function leavePage() {
  if (cleanup) {
    try { cleanup(); } catch { /* a page's cleanup must not block the next page */ }
    cleanup = null;
  }
}

async function route() {
  if (!user()) return; // signed out: the login page stays
  leavePage();
  hideBanner();
  const notice = takeNotice();
  if (notice) showBanner(notice, 'info');
  const [path, params] = parseHash(location.hash);
  const [render, menu, need] = routes[path] || [notFound, null];
  document.querySelectorAll('#menu a, #account a').forEach(a => a.classList.toggle('active', a.dataset.page === menu));
  const main = clear(document.getElementById('page'));
  main.dataset.page = path;
  main.setAttribute('aria-busy', 'true');
  try {
    const result = await (allowed(need, params) ? render(main, params) : notAllowed(main));
    if (typeof result === 'function') cleanup = result;
  } catch (err) {
    if (!user()) return; // the session ended while the page loaded: the login page took its place
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

function notAllowed(main) {
  main.append(h('h1', {}, 'Not allowed'), h('p', {}, 'Your role in this team does not allow this page. Pick another team or page.'));
}

/** The header's right side: team switcher, who is signed in, account/users/teams links, logout. */
function showAccount() {
  const box = clear(document.getElementById('account'));
  const me = user();
  const team = currentTeam();
  if (teams().length) {
    const switcher = h('select', { id: 'team', title: 'team', 'aria-label': 'team' },
      teams().map(t => h('option', { value: t.id, selected: t.id === team }, `${t.name || t.id}${isOwner() ? '' : ` (${t.role})`}`)));
    switcher.addEventListener('change', () => {
      chooseTeam(switcher.value);
      signedIn();
    });
    box.append(switcher);
  }
  box.append(h('span', { id: 'whoami', 'data-role': isOwner() ? 'owner' : roleIn(team) || '' },
    me.username, isOwner() ? ' (owner)' : ''));
  if (mode !== 'open') box.append(h('a', { href: '#/account', 'data-page': 'account' }, 'Account'));
  if (isOwner()) box.append(h('a', { href: '#/users', 'data-page': 'users' }, 'Users'), h('a', { href: '#/teams', 'data-page': 'teams' }, 'Teams'));
  if (mode !== 'open') box.append(h('button', { id: 'logout', type: 'button', onclick: logout }, 'Log out'));
  box.hidden = false;
  // the menu offers "try it" only to those who may run it
  document.querySelector('#menu a[data-page="try"]').hidden = !may('operator');
  document.getElementById('menu').hidden = false;
}

/** Signed in (or open mode): the header for this user, then the page the hash names. */
function signedIn() {
  showAccount();
  route();
}

async function logout() {
  try {
    await post('/api/v1/auth/logout');
  } catch { /* signed out either way */ }
  signedOut('Signed out');
}

/** Back to the login page (after logout, or when the server answered 401: the session ended). */
function signedOut(message) {
  leavePage();
  setUser(null);
  setCsrfToken(null);
  document.getElementById('account').hidden = true;
  document.getElementById('menu').hidden = true;
  loginPage(document.getElementById('page'), message, loggedIn);
}

/** After login or setup: the answer's CSRF token, then who the user is. */
async function loggedIn(answer) {
  setCsrfToken(answer?.csrfToken);
  await loadMe();
}

async function loadMe() {
  let me;
  try {
    me = await get('/api/v1/auth/me');
  } catch (err) {
    if (err.status === 401) return signedOut();
    if (err.status !== 404) throw err;
    me = { username: 'open-mode', owner: true, teams: [] }; // a server from before sign-in existed
  }
  if (me.csrfToken) setCsrfToken(me.csrfToken);
  setUser(me);
  signedIn();
}

async function start() {
  whenUnauthenticated(() => { if (user()) signedOut('Your session ended: sign in again'); });
  let status = { mode: 'closed', setupRequired: false };
  try {
    status = await get('/api/v1/auth/status');
  } catch (err) {
    // 404 or 401: a server from before sign-in existed (or one that guards the status too); /auth/me decides
    if (err.status !== 404 && err.status !== 401) throw err;
  }
  mode = status.mode;
  const warning = document.getElementById('mode-banner');
  warning.hidden = mode !== 'open';
  warning.textContent = 'Open development mode: no sign-in. Anyone who reaches this server can change everything.';
  // open mode signs nobody in, so it needs no first owner either (the server may still report none exists)
  if (status.setupRequired && mode !== 'open') {
    document.getElementById('menu').hidden = true;
    setupPage(document.getElementById('page'), loggedIn);
    return;
  }
  await loadMe();
}

window.addEventListener('hashchange', route);
// a team made or renamed on the Teams page: the switcher lists it at once
window.addEventListener('tally:teams-changed', async () => {
  const me = await get('/api/v1/auth/me').catch(() => null);
  if (me) {
    setUser(me);
    showAccount();
  }
});
window.addEventListener('unhandledrejection', e => showBanner(errorText(e.reason || {})));
start().catch(err => {
  showBanner(errorText(err));
  document.getElementById('page').setAttribute('aria-busy', 'false');
});
