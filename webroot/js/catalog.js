// What a side's data source holds (GET /api/v1/data-sources/{id}/catalog), offered in the task form: its tables,
// keys or indices in a <datalist> for the table / key / index input; the columns or fields of the chosen table or
// index as chips that add themselves to the side's fields, and in a <datalist> for the compare step's field pairs.
// A source that cannot list anything (HTTP) or cannot be reached only gets a note: the inputs stay plain inputs.
import { get, qs } from './api.js';
import { clear, h, list } from './ui.js';

const PLURAL = { MYSQL: 'tables', POSTGRES: 'tables', REDIS: 'keys', ELASTICSEARCH: 'indices' };
/** The input naming the table or index whose columns or fields are asked for. */
const OF = { MYSQL: 'table', POSTGRES: 'table', ELASTICSEARCH: 'index' };
const DEBOUNCE_MS = 350;

/** The literal start of a key template: what comes before its first #{variable}. */
export function keyPrefix(template) {
  const at = template.indexOf('#{');
  return at < 0 ? template : template.slice(0, at);
}

/**
 * Wires the catalog into one side box ('left' or 'right') of the task form; kinds maps data source ids to
 * kinds. The compare step's inputs use the datalist `${name}-members`.
 */
export function sideCatalog(box, name, kinds) {
  const el = prop => box.querySelector(`[name="${name}.${prop}"]`);
  const names = h('datalist', { id: `${name}-names` });
  const members = h('datalist', { id: `${name}-members` });
  const chips = h('div', { class: 'chips', 'data-catalog': name });
  const note = h('small', { class: 'catalog-note', 'data-catalog-note': name });
  el('dataSourceId').closest('label').append(note);
  el('fields').closest('label').append(chips);
  box.append(names, members);
  for (const prop of ['table', 'key', 'index']) el(prop).setAttribute('list', names.id);
  let seq = 0;
  let timer;
  let listed = [];
  let columns = [];
  let loaded = null;

  const kind = () => kinds[el('dataSourceId').value];
  // what the current inputs would ask for; a load is needed when it differs from the last one
  const ask = () => {
    const k = kind();
    const params = {};
    const of = OF[k] && el(OF[k]).value.trim();
    if (of && (listed.includes(of) || loaded === null)) params[OF[k]] = of;
    if (k === 'REDIS') params.prefix = keyPrefix(el('key').value.trim());
    return el('dataSourceId').value ? `/api/v1/data-sources/${encodeURIComponent(el('dataSourceId').value)}/catalog${qs(params)}` : '';
  };

  async function load(force) {
    const path = ask();
    if (!force && path === loaded) return;
    loaded = path;
    const mine = ++seq;
    let c = {};
    if (path) {
      try {
        c = await get(path);
      } catch (err) {
        c = { error: err.message };
      }
    }
    if (mine === seq) show(c);
  }

  function show(c) {
    clear(names);
    clear(chips);
    listed = [];
    columns = [];
    const plural = PLURAL[kind()];
    if (!kind()) note.textContent = '';
    else if (c.supported === false) note.textContent = `nothing to list: ${c.reason}`;
    else if (c.error) note.textContent = `could not list: ${c.error}`;
    else if (plural) {
      const entries = c[plural] || [];
      listed = entries.map(e => e.name);
      names.append(...entries.map(e => h('option', { value: e.name }, e.type || '')));
      columns = c.columns || c.fields || [];
      chips.append(...columns.map(col => h('button', {
        type: 'button', class: 'chip', 'data-name': col.name, title: col.type || '', onclick: () => addField(col.name),
      }, col.name)));
      note.textContent = `${plural}: ${entries.length}${c.truncated ? ' (more not shown: type to narrow)' : ''}`;
    }
    showMembers();
  }

  function addField(field) {
    const fields = list(el('fields').value);
    if (!fields.includes(field)) el('fields').value = [...fields, field].join(', ');
    showMembers();
  }

  /** The pairs' suggestions: the side's fields, then the other columns. */
  function showMembers() {
    const fields = list(el('fields').value);
    clear(members);
    members.append(...[...new Set([...fields, ...columns.map(c => c.name)])].map(n => h('option', { value: n })));
    for (const chip of chips.children) chip.classList.toggle('chosen', fields.includes(chip.dataset.name));
  }

  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(false), DEBOUNCE_MS);
  };
  el('dataSourceId').addEventListener('change', () => {
    listed = [];
    loaded = null;
    load(true);
  });
  for (const prop of ['table', 'index', 'key']) {
    el(prop).addEventListener('input', later);
    el(prop).addEventListener('change', () => load(false));
  }
  el('fields').addEventListener('input', showMembers);
  load(true);
}
