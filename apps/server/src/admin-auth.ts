import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdminConfig } from '@mangaassist/common';
import { HttpError } from './http-errors';
import { hasVisibleCharacter, isCleanText } from './request-schemas';

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

/**
 * Who made a request: a named operator (token or sign-in proxy), whoever holds the shared token, or a named agent
 * (`serving.feedback.agents`, who may send verdicts only).
 */
export interface AdminIdentity {
  /** The person's name, the audit trail's (or the verdict's) author; null with the shared `serving.adminToken`. */
  readonly operator: string | null;
  readonly via: 'shared-token' | 'operator-token' | 'proxy' | 'agent-token';
}

/** What {@link AdminAuthenticator} reads of a request. */
export interface AdminRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/** Most client addresses whose failures are remembered at once; the oldest is forgotten first. */
const MAX_TRACKED_ADDRESSES = 10_000;


/**
 * Authenticates admin requests: named operators' tokens (`serving.admin.operators`), the shared `serving.adminToken`,
 * and the identity header of a trusted sign-in proxy (`serving.admin.identityHeader`, honoured only on connections
 * from its `trustedProxies`). Tokens are hashed and compared in constant time against every configured token, so
 * neither which one matched nor their lengths leak through timing. A client address with
 * `authFailures.maxFailures` failed attempts within `windowMs` gets 429 with Retry-After until the window ends,
 * whatever it sends meanwhile.
 *
 * @example
 * ```ts
 * const auth = new AdminAuthenticator(config.serving);
 * app.addHook('onRequest', async (request) => { request.admin = auth.authenticate(request); });
 * ```
 */
export class AdminAuthenticator {
  private readonly tokens: { readonly digest: Buffer; readonly identity: AdminIdentity }[];
  private readonly header: { readonly name: string; readonly proxies: ReadonlySet<string> } | undefined;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(
    serving: {
      readonly adminToken?: string | undefined;
      readonly admin?: AdminConfig | undefined;
      readonly feedback?: { readonly agents?: readonly { readonly name: string; readonly token: string }[] } | undefined;
    },
    private readonly now: () => number = Date.now,
  ) {
    const admin = serving.admin;
    this.tokens = [
      ...(serving.adminToken === undefined ? [] : [{ digest: digest(serving.adminToken), identity: { operator: null, via: 'shared-token' as const } }]),
      ...(admin?.operators ?? []).map((o) => ({ digest: digest(o.token), identity: { operator: o.name, via: 'operator-token' as const } })),
      ...(serving.feedback?.agents ?? []).map((a) => ({ digest: digest(a.token), identity: { operator: a.name, via: 'agent-token' as const } })),
    ];
    this.header = admin?.identityHeader
      ? { name: admin.identityHeader.name.toLowerCase(), proxies: new Set(admin.identityHeader.trustedProxies.map(normalizeAddress)) }
      : undefined;
    this.maxFailures = admin?.authFailures.maxFailures ?? 10;
    this.windowMs = admin?.authFailures.windowMs ?? 60_000;
  }

  /** Whether any way into the admin API is configured; without one every admin request gets 403. */
  get enabled(): boolean {
    return this.tokens.some((t) => t.identity.via !== 'agent-token') || this.header !== undefined;
  }

  /** Whether anyone can be named as a verdict's author: an agent, a named operator, or the sign-in proxy. */
  get agentsEnabled(): boolean {
    return this.tokens.some((t) => t.identity.operator !== null) || this.header !== undefined;
  }

  /**
   * The named person sending a verdict (`POST /v1/feedback`): an agent, a named operator or the proxy's name, with
   * the same failure limit as the admin API. 403 when nobody can be named, or with the shared admin token (a
   * verdict needs an author); 429 while locked out; 401 for missing or wrong credentials.
   */
  authenticateAgent(request: AdminRequest): AdminIdentity & { readonly operator: string } {
    if (!this.agentsEnabled) {
      throw new HttpError(
        403,
        'FEEDBACK_DISABLED',
        'feedback needs a named agent: set serving.feedback.agents (or serving.admin.operators / serving.admin.identityHeader), or serving.feedback.auth: open',
      );
    }
    const identity = this.identify(request, 'missing or wrong agent token (send "Authorization: Bearer <token>")');
    if (identity.operator === null) {
      throw new HttpError(403, 'AGENT_REQUIRED', 'the shared admin token names nobody: send an agent\'s or a named operator\'s token, whose name becomes the verdict\'s author');
    }
    return { ...identity, operator: identity.operator };
  }

  /**
   * Anyone with a credential: an operator (the shared token included) or an agent, for what both may read (the
   * escalations agents judge). Errors as {@link authenticate}.
   */
  authenticateAnyone(request: AdminRequest): AdminIdentity {
    if (!this.enabled && !this.agentsEnabled) {
      throw new HttpError(403, 'ADMIN_DISABLED', 'no credentials are configured: set serving.feedback.agents, serving.admin.operators or serving.adminToken');
    }
    return this.identify(request, 'missing or wrong token (send "Authorization: Bearer <token>")');
  }

  /**
   * The identity behind `request`, or an {@link HttpError}: 403 when the admin API is disabled, 429 while the
   * client address is locked out, 401 for missing or wrong credentials.
   */
  authenticate(request: AdminRequest): AdminIdentity {
    if (!this.enabled) {
      throw new HttpError(403, 'ADMIN_DISABLED', 'the admin API is disabled: set serving.adminToken (16 characters or more) or serving.admin.operators');
    }
    const identity = this.identify(request, 'missing or wrong admin token (send "Authorization: Bearer <token>")');
    if (identity.via === 'agent-token') {
      throw new HttpError(403, 'NOT_AN_OPERATOR', `${JSON.stringify(identity.operator)} is an agent (serving.feedback.agents): agents may send verdicts, not use the admin API`);
    }
    return identity;
  }

  private identify(request: AdminRequest, wrongTokenMessage: string): AdminIdentity {
    const address = normalizeAddress(request.socket.remoteAddress ?? 'unknown');
    this.refuseWhileLockedOut(address);
    if (this.header && this.header.proxies.has(address)) {
      const raw = request.headers[this.header.name];
      if (raw !== undefined) {
        const name = Array.isArray(raw) ? undefined : raw.trim();
        // The name becomes an audit author: the same checks as every text an operator sends.
        if (name && name.length <= 200 && hasVisibleCharacter(name) && isCleanText(name)) {
          return { operator: name, via: 'proxy' };
        }
        this.fail(address, `the ${this.header.name} header must name the operator (1-200 characters, visible, no NUL or unpaired surrogates)`);
      }
    }
    const authorization = request.headers.authorization;
    const match = /^Bearer (.+)$/i.exec(typeof authorization === 'string' ? authorization : '');
    const given = digest(match?.[1] ?? '');
    let found: AdminIdentity | undefined;
    // Every token is compared, matched or not, so the time taken does not say which one (or whether one) matched.
    for (const token of this.tokens) {
      if (timingSafeEqual(given, token.digest) && match) found = token.identity;
    }
    if (found) return found;
    return this.fail(address, wrongTokenMessage);
  }

  private refuseWhileLockedOut(address: string): void {
    const entry = this.failures.get(address);
    if (!entry) return;
    const left = entry.windowStart + this.windowMs - this.now();
    if (left <= 0) {
      this.failures.delete(address);
      return;
    }
    if (entry.count >= this.maxFailures) {
      const seconds = Math.max(1, Math.ceil(left / 1000));
      throw new HttpError(
        429,
        'TOO_MANY_AUTH_FAILURES',
        `${entry.count} failed admin authentications from this address within ${this.windowMs} ms: retry after ${seconds} s`,
        undefined,
        { 'retry-after': String(seconds) },
      );
    }
  }

  private fail(address: string, message: string): never {
    const entry = this.failures.get(address);
    if (entry) entry.count += 1;
    else {
      this.failures.set(address, { count: 1, windowStart: this.now() });
      if (this.failures.size > MAX_TRACKED_ADDRESSES) this.failures.delete(this.failures.keys().next().value as string);
    }
    throw new HttpError(401, 'UNAUTHORIZED', message, undefined, { 'www-authenticate': 'Bearer realm="mangaassist-admin"' });
  }
}

/** `::ffff:10.0.0.5` (an IPv4 client on a dual-stack socket) is `10.0.0.5`. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

const authenticators = new WeakMap<object, AdminAuthenticator>();

/**
 * The one {@link AdminAuthenticator} of a server configuration, so that every module registering admin routes
 * shares its failure counts (a lockout on one route holds on all).
 *
 * @example
 * ```ts
 * const auth = adminAuthenticatorFor(ctx.serving);
 * app.get('/admin/api/x', { onRequest: async (request) => void auth.authenticate(request) }, handler);
 * ```
 */
export function adminAuthenticatorFor(serving: ConstructorParameters<typeof AdminAuthenticator>[0] & object): AdminAuthenticator {
  let authenticator = authenticators.get(serving);
  if (!authenticator) {
    authenticator = new AdminAuthenticator(serving);
    authenticators.set(serving, authenticator);
  }
  return authenticator;
}
