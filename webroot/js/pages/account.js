// The signed-in user's own account: personal API tokens (created here, shown once, revoked) and the password.
import { del, get, post, put } from '../api.js';
import {
  clearFieldErrors, field, go, guard, h, hideBanner, input, num, prune, shownOnce, table, time, values,
} from '../ui.js';
import { user } from '../session.js';

export async function render(main) {
  const { items } = await get('/api/v1/auth/tokens');
  const created = h('div', { id: 'new-token' });
  const tokenForm = h('form', { id: 'token-form', class: 'grid', novalidate: true },
    h('h2', {}, 'New API token'),
    field('name', input('name', '', { placeholder: 'e.g. deploy script' })),
    field('expires in days', input('expiresInDays', '', { type: 'number', placeholder: 'never' })),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'token-create' }, 'Create token')));
  tokenForm.addEventListener('submit', async e => {
    e.preventDefault();
    clearFieldErrors(tokenForm);
    hideBanner();
    const v = values(tokenForm);
    const token = await guard(() => post('/api/v1/auth/tokens', prune({ name: v.name, expiresInDays: num(v.expiresInDays) })), tokenForm);
    if (!token) return;
    // shown here once: the list is re-read, the plain token stays only in this box until the page is left
    tokenForm.reset();
    created.replaceChildren(shownOnce(`Token "${token.name}"`, token.token,
      h('p', {}, 'Use it as ', h('code', {}, 'Authorization: Bearer <token>'), ', e.g.'),
      h('pre', {}, `curl -H 'Authorization: Bearer ${token.token}' ${location.origin}/api/v1/tasks`)));
    tokenList.replaceWith(tokenList = tokensTable((await guard(() => get('/api/v1/auth/tokens')))?.items || []));
  });
  let tokenList = tokensTable(items);
  main.append(
    h('h1', {}, `Account ${user().username}`),
    h('h2', {}, 'Personal API tokens'),
    h('p', {}, 'A token acts as you on the REST API, with your roles. Revoke one you no longer use.'),
    tokenList, created, h('section', { class: 'card' }, tokenForm),
    h('section', { class: 'card' }, passwordForm()));
}

function tokensTable(items) {
  return table(['name', 'created', 'expires', 'last used', ''], items.map(t => h('tr', { 'data-id': t.id },
    h('td', {}, t.name), h('td', {}, time(t.createdAt)), h('td', {}, t.expiresAt ? time(t.expiresAt) : 'never'),
    h('td', {}, t.lastUsedAt ? time(t.lastUsedAt) : 'never'),
    h('td', { class: 'actions' }, h('button', { class: 'danger revoke', onclick: () => revoke(t) }, 'Revoke')))),
  { id: 'tokens' });
}

async function revoke(t) {
  if (!confirm(`Revoke token ${t.name}? Whatever uses it stops working at once.`)) return;
  if (await guard(() => del(`/api/v1/auth/tokens/${encodeURIComponent(t.id)}`).then(() => true))) go('#/account', `Token ${t.name} revoked`);
}

function passwordForm() {
  const f = h('form', { id: 'password-form', class: 'grid', novalidate: true },
    h('h2', {}, 'Change password'),
    field('current password', input('current', '', { type: 'password', autocomplete: 'current-password' })),
    field('new password', input('password', '', { type: 'password', autocomplete: 'new-password' })),
    field('new password again', input('again', '', { type: 'password', autocomplete: 'new-password', field: 'again' })),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'password-save' }, 'Change password')));
  f.addEventListener('submit', async e => {
    e.preventDefault();
    clearFieldErrors(f);
    hideBanner();
    const current = f.elements.current.value;
    const password = f.elements.password.value;
    const changed = await guard(async () => {
      if (password !== f.elements.again.value) throw Object.assign(new Error('not the same as the new password'), { field: 'again' });
      await put('/api/v1/auth/password', { current, password });
      return true;
    }, f);
    if (changed) go('#/account', 'Password changed');
  });
  return f;
}
