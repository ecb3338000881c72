// Try it: run a task once on a pasted event (POST /api/v1/tasks/{id}/try); nothing is stored.
import { get, post } from '../api.js';
import { clear, clearFieldErrors, field, guard, h, hideBanner, select, textarea } from '../ui.js';
import { resultView } from './result-view.js';
import { inTeam } from '../session.js';

export async function render(main, params) {
  const items = inTeam((await get('/api/v1/tasks')).items);
  const out = h('div', { id: 'try-result' });
  const f = h('form', { id: 'try-form', novalidate: true },
    field('task', select('taskId', [['', '(pick one)'], ...items.map(t => [t.id, `${t.name} (${t.id})`])], params.taskId, { field: 'taskId' })),
    field('event (JSON)', textarea('event', params.event || '{"op": "UPDATE", "data": {"id": 1}}', { rows: 6, field: 'event' }),
      'op, data (the row after the change), optional before, id, occurredAt'),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'try-run' }, 'Try')));
  f.addEventListener('submit', async e => {
    e.preventDefault();
    clearFieldErrors(f);
    hideBanner();
    clear(out);
    const taskId = f.elements.taskId.value;
    let event;
    try {
      event = JSON.parse(f.elements.event.value);
    } catch (err) {
      guard(() => { throw Object.assign(new Error(`not JSON: ${err.message}`), { field: 'event' }); }, f);
      return;
    }
    if (!taskId) {
      guard(() => { throw Object.assign(new Error('pick a task'), { field: 'taskId' }); }, f);
      return;
    }
    out.append('running…');
    const result = await guard(() => post(`/api/v1/tasks/${encodeURIComponent(taskId)}/try`, event).catch(err => {
      // the event's own paths (data.id, op) belong to the event box
      if (err.field && err.field !== 'taskId') {
        err.detail = [err.field, err.detail].filter(Boolean).join(': ');
        err.field = 'event';
      }
      throw err;
    }), f);
    clear(out);
    if (result) out.append(resultView(result));
  });
  main.append(h('h1', {}, 'Try a task'), h('p', {}, 'Runs the task once on the event and shows what it read and compared. Nothing is stored.'), f, out);
}
