import { MangaAssistError } from '@mangaassist/common';
import { escalationSnapshotSchema, feedbackRecordSchema, type EscalationSnapshot, type FeedbackRecord } from '@mangaassist/serving';
import type Redis from 'ioredis';
import type { SharedFeedbackStore } from './shared-feedback-store';

/** Connection settings of {@link RedisFeedbackStore}: those of the `redis` threshold store. */
export interface RedisFeedbackOptions {
  readonly url: string;
  /** Prefix of every key; the threshold store's. */
  readonly keyPrefix: string;
  /** How many escalations are kept for feedback to refer to (older ones are deleted). */
  readonly recentEscalations: number;
  readonly commandTimeoutMs?: number;
}

/**
 * Remembers one escalation and forgets the oldest past the capacity, atomically. KEYS[1]: list of ids, newest
 * first; KEYS[2]: the hash id → snapshot JSON. ARGV: id, snapshot JSON, capacity.
 */
const REMEMBER_SCRIPT = `
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  while redis.call('LLEN', KEYS[1]) > tonumber(ARGV[3]) do
    redis.call('HDEL', KEYS[2], redis.call('RPOP', KEYS[1]))
  end
end
return 1
`;

/**
 * Feedback in a Redis stream (`<keyPrefix>feedback`, one entry per verdict, field `record`), escalations in a hash
 * bounded to the latest `recentEscalations` (`<keyPrefix>escalations`, ids in `<keyPrefix>escalation-ids`), so
 * that every replica finds an escalation issued by any other and the feedback report sees all verdicts.
 */
export class RedisFeedbackStore implements SharedFeedbackStore {
  private readonly client: Redis;

  constructor(private readonly options: RedisFeedbackOptions) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: RedisClient } = require('ioredis') as typeof import('ioredis');
    const timeout = options.commandTimeoutMs ?? 3000;
    this.client = new RedisClient(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: timeout,
      commandTimeout: timeout,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      disconnectTimeout: 100,
    });
    // Connection errors surface through the failing commands.
    this.client.on('error', () => undefined);
  }

  async remember(snapshot: EscalationSnapshot): Promise<void> {
    await this.command('remember escalation', () =>
      this.client.eval(
        REMEMBER_SCRIPT,
        2,
        this.key('escalation-ids'),
        this.key('escalations'),
        snapshot.escalationId,
        JSON.stringify(snapshot),
        String(this.options.recentEscalations),
      ),
    );
  }

  async get(escalationId: string): Promise<EscalationSnapshot | undefined> {
    const json = await this.command('read escalation', () => this.client.hget(this.key('escalations'), escalationId));
    return json === null ? undefined : escalationSnapshotSchema.parse(JSON.parse(json));
  }

  async append(record: FeedbackRecord): Promise<void> {
    const checked = feedbackRecordSchema.parse(record);
    await this.command('append feedback', () => this.client.xadd(this.key('feedback'), '*', 'record', JSON.stringify(checked)));
  }

  async readAll(): Promise<FeedbackRecord[]> {
    const entries = await this.command('read feedback', () => this.client.xrange(this.key('feedback'), '-', '+'));
    return entries.map(([, fields]) => feedbackRecordSchema.parse(JSON.parse(fields[fields.indexOf('record') + 1] ?? 'null')));
  }

  async close(): Promise<void> {
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }

  private key(name: string): string {
    return `${this.options.keyPrefix}${name}`;
  }

  private async command<T>(operation: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw new MangaAssistError('STORE_UNAVAILABLE', `redis feedback store: ${operation} failed: ${(error as Error).message}`, { operation }, { cause: error });
    }
  }
}
