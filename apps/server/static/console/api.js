// The admin API client of the console. The token stays in this tab's sessionStorage.

/** Who is signed in: the bearer token and the name written to the audit trail. */
export const session = {
  token: sessionStorage.getItem('mangaassist.token') || '',
  author: sessionStorage.getItem('mangaassist.author') || '',
  remember() {
    sessionStorage.setItem('mangaassist.token', this.token);
    sessionStorage.setItem('mangaassist.author', this.author);
  },
};

/**
 * A GET for one refresh of the console: each path is asked once however many panels load it (the thresholds feed
 * the thresholds, what-if and churn-phrase panels alike).
 */
export function sharedGet() {
  const pending = new Map();
  return (path) => {
    if (!pending.has(path)) pending.set(path, api('GET', path));
    return pending.get(path);
  };
}

/** A plain GET, for a panel that loads on its own (polling, a changed option). */
export const get = (path) => api('GET', path);

/**
 * Calls the admin API with the session's token; resolves to the parsed JSON body, rejects with an Error whose
 * message starts with the HTTP status and carries the server's error message.
 */
export async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${session.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status}: ${(data.error && data.error.message) || response.statusText}`);
  return data;
}
