// Small DOM helpers shared by the pages: element building, the error banner, field errors, formatting.
import { currentTeam } from './session.js';

/** h('div', {class: 'x', onclick: f}, child, ...): strings become text nodes, never HTML. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const banner = () => document.getElementById('banner');

export function showBanner(message, kind = 'error') {
  const b = banner();
  clear(b);
  b.className = `banner ${kind}`;
  b.hidden = false;
  b.append(h('span', { class: 'msg' }, message), h('button', { class: 'close', title: 'dismiss', onclick: hideBanner }, '×'));
}

export function hideBanner() {
  banner().hidden = true;
}

export function errorText(err) {
  return `${err.message}${err.field ? ` (${err.field})` : ''}${err.detail ? `: ${err.detail}` : ''}`;
}

/**
 * Shows an API error: next to the form element whose data-field names err.field (or its nearest named parent
 * path, e.g. compare[1] for compare[1].zone), else in the banner. Returns the element it was shown at.
 */
export function showError(err, form) {
  clearFieldErrors(form);
  const target = err.field && form ? findField(form, err.field) : null;
  if (!target) {
    showBanner(errorText(err));
    return null;
  }
  const msg = h('div', { class: 'field-error', role: 'alert', 'data-error-for': err.field },
    `${err.field}: ${err.message}${err.detail ? ` (${err.detail})` : ''}`);
  target.classList.add('invalid');
  (target.closest('label') || target).after(msg);
  showBanner(`Not saved: ${errorText(err)}`);
  return target;
}

function findField(form, field) {
  let path = field;
  while (path) {
    const el = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
    if (el) return el;
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut > 0 ? path.slice(0, cut) : '';
  }
  return null;
}

export function clearFieldErrors(form) {
  if (!form) return;
  form.querySelectorAll('.field-error').forEach(e => e.remove());
  form.querySelectorAll('.invalid').forEach(e => e.classList.remove('invalid'));
}

/** Runs an async action, showing its failure in the banner (or next to a field of form). */
export async function guard(action, form) {
  try {
    return await action();
  } catch (err) {
    showError(err, form);
    return undefined;
  }
}

export function time(ms) {
  if (ms === null || ms === undefined) return '';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function json(value) {
  return JSON.stringify(value, null, 2);
}

/** A cell's text for any JSON value. */
export function cell(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function badge(status) {
  return h('span', { class: `badge ${String(status).toLowerCase()}` }, status);
}

export function table(headers, rows, attrs = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map(x => h('th', {}, x)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'nothing yet'))));
}

/** A labelled input; `field` is the API path shown on a validation error. */
export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'label' }, label), input, hint ? h('small', {}, hint) : null);
}

export function input(name, value, attrs = {}) {
  return h('input', { name, 'data-field': attrs.field || name, value: value ?? '', ...attrs, field: undefined });
}

export function select(name, options, value, attrs = {}) {
  return h('select', { name, 'data-field': attrs.field || name, ...attrs, field: undefined },
    options.map(o => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return h('option', { value: v, selected: String(v) === String(value ?? '') }, text);
    }));
}

export function checkbox(name, checked, attrs = {}) {
  return h('input', { type: 'checkbox', name, 'data-field': attrs.field || name, checked: !!checked, ...attrs, field: undefined });
}

export function textarea(name, value, attrs = {}) {
  const t = h('textarea', { name, 'data-field': attrs.field || name, rows: 4, ...attrs, field: undefined });
  t.value = value ?? '';
  return t;
}

/** Reads an epoch-ms time from a datetime-local input (in the browser's zone), or undefined. */
export function epoch(value) {
  if (!value) return undefined;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? undefined : t;
}

export function linkTo(hash, text, attrs = {}) {
  return h('a', { href: hash, ...attrs }, text);
}

let notice = null;

/** Navigates to a hash (re-rendering even when it does not change); notice is shown on the page it opens. */
export function go(hash, message) {
  notice = message || null;
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** Reads the form's named controls: checkboxes as booleans, the rest as trimmed text. */
export function values(form) {
  const out = {};
  for (const el of form.querySelectorAll('[name]')) {
    if (el.closest('[hidden]')) continue;
    out[el.name] = el.type === 'checkbox' ? el.checked : el.value.trim();
  }
  return out;
}

export function list(text) {
  return (text || '').split(',').map(s => s.trim()).filter(Boolean);
}

export function num(text) {
  if (text === undefined || text === null || String(text).trim() === '') return undefined;
  const n = Number(text);
  return Number.isNaN(n) ? text : n;
}

/** Drops undefined, null, '' and empty arrays/objects, recursively. */
export function prune(value) {
  if (Array.isArray(value)) return value.map(prune);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p === undefined || p === null || p === '') continue;
      if (typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) continue;
      if (Array.isArray(p) && p.length === 0) continue;
      out[k] = p;
    }
    return out;
  }
  return value;
}

/** The notice go() left for the page being opened, once. */
export function takeNotice() {
  const n = notice;
  notice = null;
  return n;
}

/** A new secret, shown this once, with a copy button (and e.g. the curl that uses it). */
export function shownOnce(title, secret, ...more) {
  const code = h('code', { class: 'secret' }, secret);
  const copied = h('span', { class: 'copied' });
  const copy = h('button', { type: 'button', class: 'copy', onclick: () => copyText(secret, copied) }, 'Copy');
  return h('div', { class: 'once', role: 'status' },
    h('strong', {}, title), h('p', {}, 'Copy it now: Tally stores only its hash and will not show it again.'),
    h('p', {}, code, ' ', copy, ' ', copied), ...more);
}

async function copyText(text, out) {
  try {
    await navigator.clipboard.writeText(text);
    out.textContent = 'copied';
  } catch {
    out.textContent = 'select it and copy by hand (the browser refused the clipboard)';
  }
}

/** The team an object belongs to, read-only in its form (a new one goes to the team chosen in the header). */
export function teamField(existing) {
  const team = existing ? existing.team || 'default' : currentTeam();
  if (team === null) return null;
  return field('team', input('team', team, { disabled: true }), existing ? null : 'the team chosen in the header');
}
