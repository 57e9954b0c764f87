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
 * Stores a verdict unless the one in force for its escalation and agent is newer, atomically. KEYS[1]: the hash
 * key → record JSON; KEYS[2]: the change stream (unused when ARGV[4] is '0', for folding the stream itself in).
 * ARGV: key, record JSON, the record's `at`, whether to log the change. Returns 1 when stored.
 */
const UPSERT_SCRIPT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and cjson.decode(old)['at'] > ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[4] == '1' then redis.call('XADD', KEYS[2], '*', 'record', ARGV[2]) end
return 1
`;

/** Stream entries read per page when folding an earlier version's stream into the verdicts hash. */
const FOLD_PAGE = 500;

/**
 * Verdicts in a hash with one field per escalation and agent (`<keyPrefix>verdicts`; a newer verdict replaces the
 * field), each stored verdict also appended to a change stream (`<keyPrefix>feedback`, field `record`) that
 * replicas read to keep their reports up to date; escalations in a hash bounded to the latest `recentEscalations`
 * (`<keyPrefix>escalations`, ids in `<keyPrefix>escalation-ids`), so that every replica finds an escalation issued by
 * any other and the feedback report sees all verdicts. A stream of an earlier version (no hash yet) is folded into
 * the hash on first use.
 */
export class RedisFeedbackStore implements SharedFeedbackStore {
  private readonly client: Redis;
  private ready: Promise<void> | undefined;

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
    await this.command('append feedback', async () => {
      await this.init();
      await this.upsert(checked, true);
    });
  }

  async readAll(): Promise<FeedbackRecord[]> {
    const values = await this.command('read feedback', async () => {
      await this.init();
      return this.client.hvals(this.key('verdicts'));
    });
    return values.map((json) => feedbackRecordSchema.parse(JSON.parse(json))).sort((a, b) => a.at.localeCompare(b.at));
  }

  async changesSince(cursor: string | undefined, limit: number): Promise<{ records: FeedbackRecord[]; cursor: string | undefined }> {
    const entries = await this.command('read feedback changes', () =>
      this.client.xrange(this.key('feedback'), cursor === undefined ? '-' : `(${cursor}`, '+', 'COUNT', limit),
    );
    return {
      records: entries.map(([, fields]) => recordOf(fields)),
      cursor: entries.length > 0 ? (entries[entries.length - 1] as [string, string[]])[0] : cursor,
    };
  }

  private upsert(record: FeedbackRecord, logChange: boolean): Promise<unknown> {
    return this.client.eval(
      UPSERT_SCRIPT,
      2,
      this.key('verdicts'),
      this.key('feedback'),
      JSON.stringify([record.escalation.escalationId, record.agent]),
      JSON.stringify(record),
      record.at,
      logChange ? '1' : '0',
    );
  }

  /** Folds an earlier version's stream into the verdicts hash, once per process (idempotent across replicas). */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      if ((await this.client.exists(this.key('verdicts'))) === 1) return;
      let start = '-';
      for (;;) {
        const entries = await this.client.xrange(this.key('feedback'), start, '+', 'COUNT', FOLD_PAGE);
        for (const [, fields] of entries) await this.upsert(recordOf(fields), false);
        if (entries.length < FOLD_PAGE) return;
        start = `(${(entries[entries.length - 1] as [string, string[]])[0]}`;
      }
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
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

function recordOf(fields: string[]): FeedbackRecord {
  return feedbackRecordSchema.parse(JSON.parse(fields[fields.indexOf('record') + 1] ?? 'null'));
}
