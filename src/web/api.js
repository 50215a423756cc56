// The web UI talks to Bugrun only through its public HTTP API, with the token the user signed in
// with. The token lives in sessionStorage: it is gone when the browser session ends.

const TOKEN_KEY = 'bugrun.token';

export const auth = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** DRF error bodies as one readable line: `detail`, or `field: message` pairs. */
export function describeError(status, body) {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    if (typeof body.detail === 'string') return body.detail;
    const fields = Object.entries(body).map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`);
    if (fields.length) return fields.join('; ');
  }
  return `The server answered HTTP ${status}.`;
}

async function request(path, { method = 'GET', body, token = auth.token } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Token ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
}

/** Signed out (or never signed in): a page still polling must not send requests without a token. */
function signedOut() {
  return new ApiError(401, 'You are signed out; sign in again.');
}

/** A JSON call; a 401 signs the user out (the app then shows the sign-in page). */
export async function api(path, options = {}) {
  if (!(options.token ?? auth.token)) throw signedOut();
  const res = await request(path, options);
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (res.status === 401) {
    auth.clear();
    window.dispatchEvent(new CustomEvent('bugrun:signed-out'));
    throw new ApiError(401, 'Your API token was rejected; sign in again.', data);
  }
  if (!res.ok) throw new ApiError(res.status, describeError(res.status, data), data);
  return data;
}

/** A file behind the token (the JUnit report), as a Blob. */
export async function apiBlob(path) {
  if (!auth.token) throw signedOut();
  const res = await request(path);
  if (res.status === 401) {
    auth.clear();
    window.dispatchEvent(new CustomEvent('bugrun:signed-out'));
    throw new ApiError(401, 'Your API token was rejected; sign in again.');
  }
  if (!res.ok) throw new ApiError(res.status, `Download failed (HTTP ${res.status}).`);
  return res.blob();
}

/** Checks a token without signing anyone out: true when the API accepts it. */
export async function tokenWorks(token) {
  const res = await request('/api/v2/profiles/?page_size=1', { token });
  if (res.status === 401) return false;
  if (!res.ok) throw new ApiError(res.status, `The server answered HTTP ${res.status}.`);
  return true;
}

/** Every item of a paginated list (capped, so a huge project cannot stall the page). */
export async function listAll(path, maxPages = 20) {
  const items = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1; page <= maxPages; page++) {
    const body = await api(`${path}${sep}page_size=100${page > 1 ? `&page=${page}` : ''}`);
    items.push(...body.results);
    if (!body.next) break;
  }
  return items;
}

export const runPath = (id, rest = '') => `/api/v2/testruns/${encodeURIComponent(id)}/${rest}`;
