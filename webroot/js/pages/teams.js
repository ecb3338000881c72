// Teams (owner only): create, rename, delete (refused while anything belongs to the team).
import { del, get, post, put } from '../api.js';
import { clearFieldErrors, field, go, guard, h, hideBanner, input, linkTo, table, values } from '../ui.js';

export async function render(main, params) {
  const { items } = await get('/api/v1/teams');
  const editing = params.id ? items.find(t => t.id === params.id) : null;
  const box = h('section', { class: 'card', id: 'team-form' });
  main.append(
    h('div', { class: 'bar' }, h('h1', {}, 'Teams'), linkTo('#/teams?new=1', 'New team', { class: 'button primary', id: 'new-team' })),
    table(['id', 'name', ''], items.map(t => h('tr', { 'data-id': t.id },
      h('td', {}, h('code', {}, t.id)), h('td', {}, t.name),
      h('td', { class: 'actions' },
        linkTo(`#/teams?id=${encodeURIComponent(t.id)}`, 'Rename', { class: 'button' }),
        t.id === 'default' ? null : h('button', { class: 'danger', onclick: () => remove(t) }, 'Delete'))))),
    box);
  if (editing || params.new) box.append(form(editing));
  else box.hidden = true;
}

async function remove(t) {
  if (!confirm(`Delete team ${t.name}?`)) return;
  if (await guard(() => del(`/api/v1/teams/${encodeURIComponent(t.id)}`).then(() => true))) go('#/teams', `Team ${t.name} deleted`);
}

function form(t) {
  const f = h('form', { class: 'grid', novalidate: true },
    h('h2', {}, t ? `Rename ${t.id}` : 'New team'),
    field('id', input('id', t?.id, { disabled: !!t, placeholder: 'letters, digits, _.-' })),
    field('name', input('name', t?.name)),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', id: 'team-save' }, 'Save'),
      linkTo('#/teams', 'Cancel', { class: 'button' })));
  f.addEventListener('submit', async e => {
    e.preventDefault();
    clearFieldErrors(f);
    hideBanner();
    const v = values(f);
    const saved = await guard(() => (t ? put(`/api/v1/teams/${encodeURIComponent(t.id)}`, { name: v.name })
      : post('/api/v1/teams', { id: v.id, name: v.name })), f);
    // the header's switcher lists teams from /auth/me: reload so a new or renamed team shows there too
    if (saved) {
      go('#/teams', `Team ${saved.name || v.name} saved`);
      window.dispatchEvent(new CustomEvent('tally:teams-changed'));
    }
  });
  return f;
}
