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
