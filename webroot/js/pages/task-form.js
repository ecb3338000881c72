// Creating or editing a task, step by step: event source -> the two sides -> field pairs -> strategy ->
// callback and alert -> review and save. One form; each step a fieldset, so a validation error of any step
// is shown next to its field (the step is opened).
import { available, get, post, put } from '../api.js';
import {
  checkbox, clear, clearFieldErrors, field, go, h, hideBanner, input, json, linkTo, list, num, prune, select,
  showError, teamField, textarea,
} from '../ui.js';
import { inTeam, may, withTeam } from '../session.js';
import { sideCatalog } from '../catalog.js';
import { editable } from './tasks.js';

const STEPS = ['Event source', 'Sides', 'Compare', 'Strategy', 'Callback and alert', 'Review'];
const SIDE_FIELDS = {
  MYSQL: ['table', 'where', 'fields', 'list', 'rowKey'],
  POSTGRES: ['table', 'where', 'fields', 'list', 'rowKey'],
  REDIS: ['key', 'valueType', 'jsonPath'],
  HTTP: ['method', 'url', 'body', 'jsonPath'],
  ELASTICSEARCH: ['index', 'id', 'query', 'fields'],
};
const COMPARATORS = ['EXACT', 'NUMBER', 'DECIMAL', 'DATETIME', 'BOOLEAN', 'JSON', 'STRING'];
const OPTIONS = { NUMBER: ['tolerance'], DECIMAL: ['scale'], DATETIME: ['zone', 'precision', 'formats'], JSON: ['ignoreOrder'], STRING: ['trim', 'ignoreCase'] };

export async function render(main, params) {
  const [task, { items: allEventSources }, { items: allDataSources }, channels] = await Promise.all([
    params.id ? get(`/api/v1/tasks/${encodeURIComponent(params.id)}`) : null,
    get('/api/v1/event-sources'), get('/api/v1/data-sources'), alertChannels()]);
  // a task's sources must be in its team: offer only those
  const sameTeam = items => (task ? items.filter(x => (x.team || 'default') === (task.team || 'default')) : inTeam(items));
  const eventSources = sameTeam(allEventSources);
  const dataSources = sameTeam(allDataSources);
  const t = task || { type: 'CONFIG', enabled: true, compare: [{}] };
  const kinds = Object.fromEntries(dataSources.map(d => [d.id, d.kind]));
  const f = h('form', { class: 'wizard', id: 'task-form', novalidate: true });
  const steps = STEPS.map((name, i) => h('fieldset', { 'data-step': i, class: 'step' }, h('legend', {}, `${i + 1}. ${name}`)));
  const tabs = h('ol', { class: 'steps' }, STEPS.map((name, i) => h('li', {},
    h('button', { type: 'button', 'data-goto': i, onclick: () => show(i) }, `${i + 1}. ${name}`))));
  const back = h('button', { type: 'button', id: 'step-back', onclick: () => show(current - 1) }, 'Back');
  const next = h('button', { type: 'button', id: 'step-next', class: 'primary', onclick: () => show(current + 1) }, 'Next');
  const save = h('button', { type: 'submit', id: 'task-save', class: 'primary' }, task ? 'Save task' : 'Create task');
  let current = 0;

  // 1. event source, name, type
  steps[0].append(
    field('id', input('id', t.id, { disabled: !!task, placeholder: 'optional: letters, digits, _.-' })),
    field('name', input('name', t.name)),
    teamField(task),
    field('event source', select('eventSourceId', [['', '(pick one)'], ...eventSources.map(e => [e.id, `${e.name} (${e.id}, ${e.kind})`])], t.eventSourceId)),
    field('type', select('type', [['CONFIG', 'CONFIG: Tally reads both sides and compares'], ['API', 'API: my endpoint compares']], t.type,
      { onchange: () => showType() })),
    field('enabled', checkbox('enabled', t.enabled !== false)));

  // 2. the sides (CONFIG) or the endpoint (API)
  const dsOptions = [['', '(pick one)'], ...dataSources.map(d => [d.id, `${d.name} (${d.id}, ${d.kind})`])];
  const side = name => {
    const s = t[name] || {};
    const box = h('div', { class: 'side', 'data-side': name, 'data-field': name },
      h('h3', {}, name === 'left' ? 'Left (the source of truth)' : 'Right (the copy)'),
      field('data source', select(`${name}.dataSourceId`, dsOptions, s.dataSourceId, { onchange: () => showSide(box, name) })),
      field('table', input(`${name}.table`, s.table, { placeholder: 'orders or schema.orders' })),
      field('where', input(`${name}.where`, s.where, { placeholder: 'id = #{id}' })),
      field('fields', input(`${name}.fields`, s.fields?.join(', '), { placeholder: 'comma separated' })),
      field('several rows (list)', checkbox(`${name}.list`, s.list)),
      field('row key', input(`${name}.rowKey`, s.rowKey)),
      field('key', input(`${name}.key`, s.key, { placeholder: 'order:#{id}' })),
      field('value type', select(`${name}.valueType`, ['JSON', 'STRING', 'HASH'], s.valueType)),
      field('method', select(`${name}.method`, ['GET', 'POST'], s.method)),
      field('url', input(`${name}.url`, s.url, { placeholder: '/orders/#{id}' })),
      field('body', textarea(`${name}.body`, s.body, { rows: 2 })),
      field('JSON path', input(`${name}.jsonPath`, s.jsonPath, { placeholder: '$.order' })),
      field('index', input(`${name}.index`, s.index)),
      field('document id', input(`${name}.id`, s.id, { placeholder: '#{id}' })),
      field('query (JSON)', textarea(`${name}.query`, s.query ? JSON.stringify(s.query) : '', { rows: 3 })));
    return box;
  };
  const left = side('left');
  const right = side('right');
  const apiBox = h('div', { class: 'api-check' },
    field('endpoint URL', input('api.url', t.api?.url, { placeholder: 'http://127.0.0.1:9000/check' })),
    field('headers (JSON)', textarea('api.headers', t.api?.headers ? JSON.stringify(t.api.headers) : '', { rows: 2 })),
    field('timeout ms', input('api.timeoutMs', t.api?.timeoutMs, { type: 'number' })));
  steps[1].append(h('div', { class: 'sides' }, left, right), apiBox);

  // 3. field pairs
  const pairs = h('div', { class: 'pairs' });
  const addPair = p => { pairs.append(pairRow(p || {})); renumber(pairs); };
  (t.compare?.length ? t.compare : [{}]).forEach(addPair);
  steps[2].append(pairs,
    h('button', { type: 'button', id: 'add-pair', onclick: () => addPair() }, 'Add field pair'),
    field('entity key', input('entityKey', (t.entityKey || []).join(', '), { placeholder: 'id (default)' }),
      'event fields that identify the entity, comma separated'));

  // 4. strategy
  const s = t.strategy || {};
  steps[3].append(h('div', { class: 'grid' },
    field('delay ms', input('strategy.delayMs', s.delayMs, { type: 'number', placeholder: '0' }), 'first check this long after the event'),
    field('retries on FAIL', input('strategy.retry.onFail', s.retry?.onFail, { type: 'number', placeholder: '0' })),
    field('retries on ERROR', input('strategy.retry.onError', s.retry?.onError, { type: 'number', placeholder: '0' })),
    field('backoff ms', input('strategy.retry.backoffMs', s.retry?.backoffMs, { type: 'number', placeholder: '1000' })),
    field('backoff multiplier', input('strategy.retry.multiplier', s.retry?.multiplier, { type: 'number', step: 'any', placeholder: '1.0' })),
    field('sample rate', input('strategy.sampleRate', s.sampleRate, { type: 'number', step: 'any', placeholder: '1.0' }), '0..1, by entity'),
    field('always check keys', input('strategy.allowKeys', s.allowKeys?.join(', '))),
    field('rate limit (checks/s)', input('strategy.rateLimit', s.rateLimit, { type: 'number', step: 'any' })),
    field('only ops', input('strategy.filter.ops', s.filter?.ops?.join(', '), { placeholder: 'e.g. UPDATE, INSERT' })),
    field('coalesce', checkbox('strategy.coalesce', s.coalesce)),
    field('priority', checkbox('strategy.priority', s.priority))));

  // 5. callback and alert
  const c = t.callback || {};
  const a = t.alert || {};
  const channelBox = channels
    ? h('div', { 'data-field': 'alert.channelIds', class: 'checks' },
      channels.length ? channels.map(ch => h('label', {}, checkbox('alert.channel', (a.channelIds || []).includes(ch.id), { value: ch.id }), ` ${ch.name} (${ch.kind})`))
        : 'no alert channels yet (see Alerts)')
    : input('alert.channelIds', (a.channelIds || []).join(', '), { placeholder: 'channel ids, comma separated' });
  steps[4].append(h('div', { class: 'grid' },
    h('h3', {}, 'Callback'),
    field('URL', input('callback.url', c.url, { placeholder: 'http://127.0.0.1:9000/tally-repair' }), 'empty: no callback'),
    field('secret', input('callback.secret', '', { type: 'password', autocomplete: 'new-password',
      placeholder: c.secretSet ? 'set; leave empty to keep it' : 'at least 16 characters' })),
    field('on', select('callback.on', ['FAIL', 'ALL'], c.on)),
    field('max attempts', input('callback.maxAttempts', c.maxAttempts, { type: 'number', placeholder: '5' })),
    field('backoff ms', input('callback.backoffMs', c.backoffMs, { type: 'number', placeholder: '1000' })),
    field('timeout ms', input('callback.timeoutMs', c.timeoutMs, { type: 'number', placeholder: '5000' })),
    field('re-check after the call', checkbox('callback.recheck', c.recheck)),
    field('apply the suggested repair', checkbox('callback.applyRepair', c.applyRepair)),
    h('h3', {}, 'Alert'),
    field('channels', channelBox),
    field('window seconds', input('alert.windowSeconds', a.windowSeconds, { type: 'number', placeholder: '60' })),
    field('on', h('div', { class: 'checks' }, ['FAIL', 'ERROR'].map(st =>
      h('label', {}, checkbox('alert.on', (a.on || ['FAIL']).includes(st), { value: st }), ` ${st}`))))));

  // 6. review
  const preview = h('pre', { id: 'task-json' });
  steps[5].append(h('p', {}, 'The task as it will be sent. Save it, or go back to change a step.'), preview);

  f.append(tabs, ...steps, h('div', { class: 'buttons' }, back, next, save, linkTo('#/tasks', 'Cancel', { class: 'button' })));
  main.append(h('h1', {}, task ? `Edit task ${task.id}` : 'New task'), f);

  function showType() {
    const config = f.elements.type.value === 'CONFIG';
    left.hidden = right.hidden = !config;
    apiBox.hidden = config;
    steps[2].disabled = !config;
  }
  function show(i) {
    current = Math.max(0, Math.min(STEPS.length - 1, i));
    steps.forEach((st, j) => { st.hidden = j !== current; });
    tabs.querySelectorAll('li').forEach((li, j) => li.classList.toggle('active', j === current));
    back.disabled = current === 0;
    next.hidden = current === STEPS.length - 1;
    save.hidden = current !== STEPS.length - 1 || !may('admin', task?.team);
    if (current === STEPS.length - 1) {
      try {
        preview.textContent = json(build(f, kinds, task));
      } catch (e) {
        preview.textContent = `not valid yet: ${e.message}`;
      }
    }
  }
  function showSide(box, name) {
    const kind = kinds[f.elements[`${name}.dataSourceId`].value];
    for (const el of box.querySelectorAll('[name]')) {
      const prop = el.name.slice(name.length + 1);
      if (prop === 'dataSourceId') continue;
      el.closest('label').hidden = !kind || !SIDE_FIELDS[kind].includes(prop);
    }
  }
  showType();
  showSide(left, 'left');
  showSide(right, 'right');
  sideCatalog(left, 'left', kinds);
  sideCatalog(right, 'right', kinds);
  show(0);

  f.addEventListener('submit', async e => {
    e.preventDefault();
    clearFieldErrors(f);
    hideBanner();
    let body;
    try {
      body = build(f, kinds, task);
    } catch (err) {
      showError(err, f);
      openStepOf(err.field);
      return;
    }
    try {
      const saved = task ? await put(`/api/v1/tasks/${encodeURIComponent(task.id)}`, body) : await post('/api/v1/tasks', body);
      go('#/tasks', `Task ${saved.id} saved`);
    } catch (err) {
      const at = showError(err, f);
      if (at) show(Number(at.closest('[data-step]').dataset.step));
    }
  });
  function openStepOf(fieldName) {
    const el = fieldName && f.querySelector(`[data-field="${CSS.escape(fieldName)}"]`);
    if (el) show(Number(el.closest('[data-step]').dataset.step));
  }
}

async function alertChannels() {
  if (!(await available('/api/v1/alert-channels'))) return null;
  try {
    return (await get('/api/v1/alert-channels')).items;
  } catch {
    return null;
  }
}

function pairRow(p) {
  const row = h('div', { class: 'pair' },
    field('left field', input('left', p.left, { class: 'pair-left', list: 'left-members' })),
    field('right field', input('right', p.right, { class: 'pair-right', list: 'right-members' })),
    field('comparator', select('comparator', COMPARATORS, p.comparator || 'EXACT', { onchange: () => showOptions() })),
    field('tolerance', input('tolerance', p.tolerance, { type: 'number', step: 'any' })),
    field('scale', input('scale', p.scale, { type: 'number' })),
    field('zone', input('zone', p.zone, { placeholder: 'UTC' })),
    field('precision', select('precision', ['', 'SECONDS', 'MILLIS', 'MICROS', 'MINUTES', 'HOURS', 'DAYS'], p.precision)),
    field('formats', input('formats', p.formats?.join(', '))),
    field('ignore order', checkbox('ignoreOrder', p.ignoreOrder)),
    field('trim', checkbox('trim', p.trim)),
    field('ignore case', checkbox('ignoreCase', p.ignoreCase)),
    h('button', { type: 'button', class: 'danger remove-pair', onclick: () => { const box = row.parentElement; row.remove(); renumber(box); } }, 'Remove'));
  function showOptions() {
    const opts = OPTIONS[row.querySelector('[name=comparator]').value] || [];
    for (const el of row.querySelectorAll('[name]')) {
      if (['left', 'right', 'comparator'].includes(el.name)) continue;
      el.closest('label').hidden = !opts.includes(el.name);
    }
  }
  showOptions();
  return row;
}

/** Gives each pair's inputs the API path of their field (compare[1].left), for errors to find them. */
function renumber(box) {
  [...box.children].forEach((row, i) => {
    row.dataset.field = `compare[${i}]`;
    row.querySelectorAll('[name]').forEach(el => { el.dataset.field = `compare[${i}].${el.name}`; });
  });
}

class FormError extends Error {
  constructor(fieldName, message) {
    super(message);
    this.field = fieldName;
  }
}

function parseJson(text, fieldName) {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormError(fieldName, `not JSON: ${e.message}`);
  }
}

/** The task body from the form: only the fields of the chosen type and data source kinds. */
export function build(f, kinds, old) {
  const v = name => {
    const el = f.elements[name];
    if (!el || el.closest('label')?.hidden) return undefined;
    return el.type === 'checkbox' ? el.checked : el.value.trim();
  };
  const task = old ? editable(old) : withTeam({});
  Object.assign(task, { id: old ? old.id : v('id'), name: v('name'), eventSourceId: v('eventSourceId'), type: v('type'), enabled: v('enabled') });
  if (task.type === 'CONFIG') {
    delete task.api;
    for (const name of ['left', 'right']) {
      const dsId = v(`${name}.dataSourceId`);
      const sideSpec = { dataSourceId: dsId };
      for (const prop of SIDE_FIELDS[kinds[dsId]] || []) {
        const val = v(`${name}.${prop}`);
        if (prop === 'fields') sideSpec.fields = list(val);
        else if (prop === 'query') sideSpec.query = parseJson(val, `${name}.query`);
        else if (prop === 'list') sideSpec.list = val || undefined;
        else sideSpec[prop] = val;
      }
      task[name] = sideSpec;
    }
    task.compare = [...f.querySelectorAll('.pair')].map(row => {
      const p = {};
      for (const el of row.querySelectorAll('[name]')) {
        if (el.closest('label').hidden) continue;
        const val = el.type === 'checkbox' ? el.checked || undefined : el.value.trim();
        if (el.name === 'formats') p.formats = list(val);
        else if (['tolerance', 'scale'].includes(el.name)) p[el.name] = num(val);
        else p[el.name] = val;
      }
      if (p.comparator === 'EXACT') delete p.comparator;
      return prune(p);
    });
    task.entityKey = list(v('entityKey'));
  } else {
    delete task.left;
    delete task.right;
    delete task.compare;
    task.api = { url: v('api.url'), headers: parseJson(v('api.headers'), 'api.headers'), timeoutMs: num(v('api.timeoutMs')) };
  }
  task.strategy = {
    ...(old?.strategy || {}),
    delayMs: num(v('strategy.delayMs')),
    sampleRate: num(v('strategy.sampleRate')),
    allowKeys: list(v('strategy.allowKeys')),
    rateLimit: num(v('strategy.rateLimit')),
    coalesce: v('strategy.coalesce') || undefined,
    priority: v('strategy.priority') || undefined,
    retry: { onFail: num(v('strategy.retry.onFail')), onError: num(v('strategy.retry.onError')),
      backoffMs: num(v('strategy.retry.backoffMs')), multiplier: num(v('strategy.retry.multiplier')) },
    filter: { ...(old?.strategy?.filter || {}), ops: list(v('strategy.filter.ops')) },
  };
  const url = v('callback.url');
  task.callback = url ? {
    url, secret: v('callback.secret') || undefined, on: v('callback.on'), maxAttempts: num(v('callback.maxAttempts')),
    backoffMs: num(v('callback.backoffMs')), timeoutMs: num(v('callback.timeoutMs')),
    recheck: v('callback.recheck') || undefined, applyRepair: v('callback.applyRepair') || undefined,
  } : undefined;
  const channelIds = f.elements['alert.channelIds']
    ? list(v('alert.channelIds'))
    : [...f.querySelectorAll('[name="alert.channel"]:checked')].map(el => el.value);
  task.alert = channelIds.length ? {
    channelIds, windowSeconds: num(v('alert.windowSeconds')),
    on: [...f.querySelectorAll('[name="alert.on"]:checked')].map(el => el.value),
  } : undefined;
  const body = prune(task);
  body.enabled = task.enabled; // false must survive pruning
  if (body.compare) body.compare = body.compare.map(p => p || {});
  return body;
}
