import type Redis from 'ioredis';
import { checkLimits, type ConversationMemory, type ConversationMemoryLimits } from './conversation-memory';
import type { ConversationTurn } from './conversation-turn';

/** Where the Redis conversation memory connects. */
export interface RedisConversationMemoryOptions extends ConversationMemoryLimits {
  /** `redis://host:port/db` (`rediss://` for TLS). */
  readonly url: string;
  /** Prefix of every key, so several deployments can share one Redis. */
  readonly keyPrefix: string;
  /** Per-command timeout (ms): a slow Redis fails the read instead of holding the request. */
  readonly commandTimeoutMs: number;
}

/**
 * Conversations kept in Redis, so that every replica behind a load balancer sees the same turns. One list per
 * conversation (`<keyPrefix><id>`), one JSON turn per element; an append is `RPUSH`, `LTRIM` to the newest
 * `maxTurns` and `PEXPIRE ttlMs` in one `MULTI`, so concurrent appends from two replicas lose no turn and the list
 * never outgrows the bound. `maxConversations` is not enforced here: Redis forgets conversations by their TTL, and
 * its own `maxmemory` policy (`volatile-lru`) bounds the total.
 *
 * @example
 * ```ts
 * const memory = new RedisConversationMemory({ url: 'redis://127.0.0.1:6379/0', keyPrefix: 'mangaassist:conv:',
 *   commandTimeoutMs: 500, maxConversations: 100_000, maxTurns: 8, ttlMs: 1_800_000 });
 * ```
 */
export class RedisConversationMemory implements ConversationMemory {
  readonly kind = 'redis';
  private readonly client: Redis;

  constructor(readonly options: RedisConversationMemoryOptions) {
    checkLimits(options);
    if (!/^rediss?:\/\//.test(options.url)) {
      throw new RangeError(`conversation memory: redis.url must start with redis:// or rediss://, got ${JSON.stringify(options.url)}`);
    }
    // Loaded here so that importing the package loads no driver when conversations stay in process.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: RedisClient } = require('ioredis') as typeof import('ioredis');
    this.client = new RedisClient(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: options.commandTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      disconnectTimeout: 100,
    });
    // Failures surface through the failing commands; the service then decides on the message alone.
    this.client.on('error', () => undefined);
  }

  async turns(conversationId: string): Promise<ConversationTurn[]> {
    const rows = await this.client.lrange(this.key(conversationId), 0, -1);
    return rows.map((row) => JSON.parse(row) as ConversationTurn);
  }

  async append(conversationId: string, turns: readonly ConversationTurn[]): Promise<void> {
    if (turns.length === 0) return;
    const key = this.key(conversationId);
    await this.client
      .multi()
      .rpush(key, ...turns.map((t) => JSON.stringify(t)))
      .ltrim(key, -this.options.maxTurns, -1)
      .pexpire(key, this.options.ttlMs)
      .exec()
      .then(failOnError);
  }

  async replace(conversationId: string, turns: readonly ConversationTurn[]): Promise<void> {
    const key = this.key(conversationId);
    const kept = turns.slice(-this.options.maxTurns);
    const tx = this.client.multi().del(key);
    if (kept.length > 0) tx.rpush(key, ...kept.map((t) => JSON.stringify(t))).pexpire(key, this.options.ttlMs);
    await tx.exec().then(failOnError);
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }

  private key(conversationId: string): string {
    return `${this.options.keyPrefix}${conversationId}`;
  }
}

/** `exec` resolves with one `[error, result]` pair per command: a failed command must not pass silently. */
function failOnError(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([error]) => error !== null);
  if (failed) throw failed[0] as Error;
}
