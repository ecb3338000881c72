// The REST API v1 client: JSON in, JSON out; a non-2xx answer becomes an ApiError with the server's field.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
    this.status = status;
    this.field = body?.field || null;
    this.detail = body?.detail || null;
  }
}

export async function request(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
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
  if (!res.ok) throw new ApiError(res.status, json);
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
