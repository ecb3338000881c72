// The login page and the first owner's setup form (with the one-time setup token Tally printed in its log).
import { post } from '../api.js';
import { clear, clearFieldErrors, field, h, hideBanner, input, showBanner, showError, values } from '../ui.js';

function page(main, name) {
  clear(main);
  hideBanner();
  main.dataset.page = name;
  main.setAttribute('aria-busy', 'false');
}

/** Shows err in the form: at its field when it names one, else in the form's own error line (refused: the 401's). */
function fail(f, err, refused) {
  clearFieldErrors(f);
  const line = f.querySelector('.sign-in-error');
  line.textContent = '';
  if (err.field && f.querySelector(`[data-field="${CSS.escape(err.field)}"]`)) {
    showError(err, f);
    return;
  }
  line.textContent = err.status === 401 ? refused
    : err.status === 429 ? `Too many failed attempts: wait a moment and try again. ${err.detail || ''}`.trim()
      : `${err.message}${err.detail ? `: ${err.detail}` : ''}`;
}

/** loggedIn(answer) runs with the login answer ({user, csrfToken}). */
export function loginPage(main, message, loggedIn) {
  page(main, 'login');
  if (message) showBanner(message, 'info');
  const f = h('form', { id: 'login-form', novalidate: true },
    h('h1', {}, 'Sign in to Tally'),
    field('username', input('username', '', { autocomplete: 'username', autofocus: true })),
    field('password', input('password', '', { type: 'password', autocomplete: 'current-password' })),
    h('p', { class: 'sign-in-error error-text', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, 'Sign in'));
  f.addEventListener('submit', async e => {
    e.preventDefault();
    const v = values(f);
    try {
      const answer = await post('/api/v1/auth/login', { username: v.username, password: f.elements.password.value });
      await loggedIn(answer);
    } catch (err) {
      fail(f, err, 'Wrong username or password.');
    }
  });
  main.append(h('section', { class: 'card sign-in' }, f));
  f.elements.username.focus();
}

/** The first start: no user yet. The setup token makes the first owner, who is then signed in. */
export function setupPage(main, loggedIn) {
  page(main, 'setup');
  const f = h('form', { id: 'setup-form', novalidate: true },
    h('h1', {}, 'Set up Tally'),
    h('p', {}, 'No user exists yet. Tally printed a one-time setup token (tsu_…) in its log at start: with it, make the first owner.'),
    field('setup token', input('token', '', { autocomplete: 'off' })),
    field('username', input('username', '', { autocomplete: 'username' })),
    field('password', input('password', '', { type: 'password', autocomplete: 'new-password' })),
    h('p', { class: 'sign-in-error error-text', role: 'alert' }),
    h('button', { type: 'submit', class: 'primary', id: 'setup-submit' }, 'Create owner and sign in'));
  f.addEventListener('submit', async e => {
    e.preventDefault();
    const v = values(f);
    const password = f.elements.password.value;
    try {
      await post('/api/v1/setup', { token: v.token, username: v.username, password });
      await loggedIn(await post('/api/v1/auth/login', { username: v.username, password }));
    } catch (err) {
      fail(f, err, 'Unknown setup token: copy the tsu_… token from the log of a Tally node of this store.');
    }
  });
  main.append(h('section', { class: 'card sign-in' }, f));
}
