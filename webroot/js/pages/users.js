// Users (owner only): create with a password, owner flag and a role per team; edit roles, disable, delete.
import { del, get, post, put } from '../api.js';
import {
  badge, checkbox, clearFieldErrors, field, go, guard, h, hideBanner, input, linkTo, select, table, values,
} from '../ui.js';
import { user } from '../session.js';

const ROLES = [['', '(none)'], 'viewer', 'operator', 'admin'];

export async function render(main, params) {
  const [{ items }, { items: teams }] = await Promise.all([get('/api/v1/users'), get('/api/v1/teams')]);
  const editing = params.id ? items.find(u => u.id === params.id) : null;
  const box = h('section', { class: 'card', id: 'user-form' });
  main.append(
    h('div', { class: 'bar' }, h('h1', {}, 'Users'), linkTo('#/users?new=1', 'New user', { class: 'button primary', id: 'new-user' })),
    table(['username', 'owner', 'roles', 'state', ''], items.map(u => row(u))), box);
  if (editing || params.new) box.append(form(editing, teams));
  else box.hidden = true;
}

function row(u) {
  const self = u.id === user().id;
  return h('tr', { 'data-id': u.id, 'data-username': u.username },
    h('td', {}, u.username), h('td', {}, u.owner ? 'owner' : ''),
    h('td', { class: 'roles' }, Object.entries(u.roles || {}).map(([team, role]) => `${team}: ${role}`).join(', ')),
    h('td', {}, badge(u.disabled ? 'DISABLED' : 'ACTIVE')),
    h('td', { class: 'actions' },
      linkTo(`#/users?id=${encodeURIComponent(u.id)}`, 'Edit', { class: 'button' }),
      self ? null : h('button', { class: 'toggle', onclick: () => setDisabled(u, !u.disabled) }, u.disabled ? 'Enable' : 'Disable'),
      self ? null : h('button', { class: 'danger', onclick: () => remove(u) }, 'Delete')));
}

async function setDisabled(u, disabled) {
  if (await guard(() => put(`/api/v1/users/${encodeURIComponent(u.id)}`, { disabled }))) {
    go('#/users', `${u.username} ${disabled ? 'disabled: signed out everywhere' : 'enabled'}`);
  }
}

async function remove(u) {
  if (!confirm(`Delete user ${u.username}? Their tokens and sessions go with them.`)) return;
  if (await guard(() => del(`/api/v1/users/${encodeURIComponent(u.id)}`).then(() => true))) go('#/users', `User ${u.username} deleted`);
}

function form(u, teams) {
  const roles = u?.roles || {};
  const f = h('form', { class: 'grid', novalidate: true },
    h('h2', {}, u ? `Edit ${u.username}` : 'New user'),
    field('username', input('username', u?.username, { disabled: !!u, autocomplete: 'off' })),
    field(u ? 'new password' : 'password', input('password', '', { type: 'password', autocomplete: 'new-password',
      placeholder: u ? 'leave empty to keep it' : '' })),
    field('owner (manages teams and users, admin everywhere)', checkbox('owner', u?.owner)),
    h('h3', {}, 'Role per team'),
    teams.map(t => field(t.name || t.id, select(`role.${t.id}`, ROLES, roles[t.id] || '', { field: `roles.${t.id}` }))),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', id: 'user-save' }, 'Save'),
      linkTo('#/users', 'Cancel', { class: 'button' })));
  f.addEventListener('submit', async e => {
    e.preventDefault();
    clearFieldErrors(f);
    hideBanner();
    const v = values(f);
    const body = { owner: v.owner, roles: {} };
    for (const t of teams) if (v[`role.${t.id}`]) body.roles[t.id] = v[`role.${t.id}`];
    if (f.elements.password.value) body.password = f.elements.password.value;
    if (!u) body.username = v.username;
    const saved = await guard(() => (u ? put(`/api/v1/users/${encodeURIComponent(u.id)}`, body) : post('/api/v1/users', body)), f);
    if (saved) go('#/users', `User ${saved.username || u?.username} saved`);
  });
  return f;
}
