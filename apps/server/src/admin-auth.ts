import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-errors';

/**
 * Checks the admin token of a request (`Authorization: Bearer <token>`) in constant time: both sides are hashed
 * first, so neither the content nor the length of the expected token leaks through response timing.
 *
 * @example
 * ```ts
 * const check = adminTokenCheck(config.serving.adminToken);
 * app.addHook('onRequest', async (request) => check(request.headers.authorization));
 * ```
 */
export function adminTokenCheck(token: string | undefined): (authorization: string | undefined) => void {
  const expected = token === undefined ? undefined : digest(token);
  return (authorization) => {
    if (expected === undefined) {
      throw new HttpError(403, 'ADMIN_DISABLED', 'the admin API is disabled: set serving.adminToken (16 characters or more)');
    }
    const match = /^Bearer (.+)$/i.exec(authorization ?? '');
    const given = digest(match?.[1] ?? '');
    if (!match || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, 'UNAUTHORIZED', 'missing or wrong admin token (send "Authorization: Bearer <token>")', undefined, {
        'www-authenticate': 'Bearer realm="mangaassist-admin"',
      });
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
