// The REST API v1 client: JSON in, JSON out; a non-2xx answer becomes an ApiError with the server's field.
// Every write carries the session's CSRF token; a 401 from anything but the sign-in calls means the session is
// gone, and the shell is told (it shows the login page).

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
    this.status = status;
    this.field = body?.field || null;
    this.detail = body?.detail || null;
  }
}

let csrfToken = null;
let onUnauthenticated = () => {};

/** The session's CSRF token (from the login answer or /auth/me), sent as X-CSRF-Token on every write. */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** What to do when the server answers 401 to a call made while signed in. */
export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

/** Calls whose 401 is their own answer (wrong password), not a lost session. */
const SIGN_IN = ['/api/v1/auth/login', '/api/v1/setup', '/api/v1/auth/password', '/api/v1/auth/me', '/api/v1/auth/status'];

export async function request(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { error: 'Tally did not answer', detail: String(e.message || e) });
  }
  const text = await res.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = { error: text.slice(0, 300) }; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, json);
    if (res.status === 401 && !SIGN_IN.includes(path.split('?')[0])) onUnauthenticated(err);
    throw err;
  }
  return json;
}

export const get = path => request('GET', path);
export const post = (path, body) => request('POST', path, body ?? {});
export const put = (path, body) => request('PUT', path, body);
export const del = path => request('DELETE', path);

/** A query string from the entries whose value is set. */
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Whether an endpoint exists on this server (a 404 from the API's catch-all means it does not). */
export async function available(path) {
  try {
    const res = await fetch(path, { headers: { Accept: 'application/json' } });
    return res.status !== 404;
  } catch {
    return false;
  }
}
