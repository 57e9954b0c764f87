import { HttpError } from './http-errors';

/** Most keys remembered at once; the oldest window is forgotten first. */
const MAX_KEYS = 10_000;

/**
 * Counts requests per key (an agent, a client address) in fixed windows and refuses those past `max` within
 * `windowMs` with 429 and Retry-After (seconds until the window ends).
 *
 * @example
 * ```ts
 * const limit = new FixedWindowLimiter(60, 60_000, 'verdicts');
 * limit.take('agent:aiko'); // throws HttpError 429 on the 61st call within a minute
 * ```
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { count: number; start: number }>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly what: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of `key`, or throws 429 when its window is full. */
  take(key: string, who = key): void {
    const now = this.now();
    let entry = this.windows.get(key);
    if (entry && now - entry.start >= this.windowMs) {
      this.windows.delete(key);
      entry = undefined;
    }
    if (!entry) {
      entry = { count: 0, start: now };
      this.windows.set(key, entry);
      if (this.windows.size > MAX_KEYS) this.windows.delete(this.windows.keys().next().value as string);
    }
    if (entry.count >= this.max) {
      const seconds = Math.max(1, Math.ceil((entry.start + this.windowMs - now) / 1000));
      throw new HttpError(429, 'RATE_LIMITED', `${who} sent ${this.max} ${this.what} within ${this.windowMs} ms: retry after ${seconds} s`, undefined, {
        'retry-after': String(seconds),
      });
    }
    entry.count += 1;
  }
}
