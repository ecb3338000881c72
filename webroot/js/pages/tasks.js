// Tasks: the list, with enable/disable (PUT with enabled), edit, try, failures and delete.
import { del, get, put } from '../api.js';
import { badge, go, guard, h, linkTo, table } from '../ui.js';
import { inTeam, may } from '../session.js';

/** A task as the API shows it, made fit to send back: view-only fields dropped (the secret stays stored). */
export function editable(task) {
  const t = structuredClone(task);
  delete t.createdAt;
  delete t.updatedAt;
  if (t.callback) delete t.callback.secretSet;
  return t;
}

export async function list(main) {
  const items = inTeam((await get('/api/v1/tasks')).items);
  main.append(
    h('div', { class: 'bar' }, h('h1', {}, 'Tasks'), may('admin') ? linkTo('#/task', 'New task', { class: 'button primary', id: 'new-task' }) : null),
    table(['id', 'name', 'event source', 'type', 'sides', 'enabled', ''], items.map(row)));
}

function row(t) {
  const sides = t.type === 'API' ? (t.api?.url || '') : `${t.left?.dataSourceId} ↔ ${t.right?.dataSourceId}`;
  const enabled = t.enabled !== false;
  const admin = may('admin');
  return h('tr', { 'data-id': t.id },
    h('td', {}, h('code', {}, t.id)), h('td', {}, t.name), h('td', {}, t.eventSourceId), h('td', {}, t.type), h('td', {}, sides),
    h('td', {}, badge(enabled ? 'ON' : 'OFF')),
    h('td', { class: 'actions' },
      admin ? h('button', { class: 'toggle', onclick: () => toggle(t, !enabled) }, enabled ? 'Disable' : 'Enable') : null,
      admin ? linkTo(`#/task?id=${encodeURIComponent(t.id)}`, 'Edit', { class: 'button edit' }) : null,
      may('operator') ? linkTo(`#/try?taskId=${encodeURIComponent(t.id)}`, 'Try', { class: 'button try' }) : null,
      linkTo(`#/results?taskId=${encodeURIComponent(t.id)}`, 'Failures', { class: 'button' }),
      linkTo(`#/discrepancies?taskId=${encodeURIComponent(t.id)}`, 'Discrepancies', { class: 'button' }),
      admin ? h('button', { class: 'danger delete', onclick: () => remove(t) }, 'Delete') : null));
}

async function toggle(task, enabled) {
  const body = editable(task);
  body.enabled = enabled;
  if (await guard(() => put(`/api/v1/tasks/${encodeURIComponent(task.id)}`, body)) !== undefined) go('#/tasks');
}

async function remove(task) {
  if (!confirm(`Delete task ${task.id}?`)) return;
  if (await guard(() => del(`/api/v1/tasks/${encodeURIComponent(task.id)}`).then(() => true))) {
    go('#/tasks', `Task ${task.id} deleted`);
  }
}
