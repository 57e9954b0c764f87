import { MangaAssistError, type PluginDescriptor } from '@mangaassist/common';
import type Redis from 'ioredis';
import { z } from 'zod';
import {
  byLabel,
  checkAuditLimit,
  checkModelId,
  checkOverride,
  checkRecommended,
  effectiveOf,
  storeFailure,
  type StoredLayers,
  toLabelThreshold,
  type ThresholdLayer,
  type ThresholdStoreDeps,
} from '../store-support';
import type {
  ChangeInfo,
  LabelThreshold,
  ThresholdAuditEntry,
  ThresholdChangeNotice,
  ThresholdMap,
  ThresholdStore,
  ThresholdWatch,
} from '../threshold-store';
import { ChangeFeed, type ChangeSubscription, reconnectDelayMs } from '../change-feed';

const optionsSchema = z
  .object({
    /** Connection URL, e.g. `redis://127.0.0.1:6379/0` (`rediss://` for TLS). */
    url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'),
    /** Prefix of every key, so several deployments can share one Redis. */
    keyPrefix: z.string().default('mangaassist:thresholds:'),
    /** Per-command timeout before failing with `STORE_UNAVAILABLE`. */
    commandTimeoutMs: z.number().int().positive().default(3000),
  })
  .strict();

/** Options of the `redis` store. */
export type RedisStoreOptions = z.infer<typeof optionsSchema>;

/**
 * Applies one change atomically (Redis runs a script without interleaving any other command), so concurrent writers
 * from any number of clients lose no update. Values travel as the strings JavaScript printed, which parse back to
 * the same doubles; "" means no value. Layout: hash KEYS[1] with fields `<label>|recommended`, `<label>|override`,
 * `<label>|author`, `<label>|reason`, `<label>|updatedAt`; audit rows as JSON, newest first, in list KEYS[2];
 * audit ids from counter KEYS[3]. When anything changed, the model id is published on channel ARGV[6], inside the
 * script so that no change goes out without its notice.
 * ARGV: layer, author, reason, at, modelId, channel, then label/value pairs.
 */
const APPLY_SCRIPT = `
local layer, author, reason, at, model, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local changed = 0
for i = 7, #ARGV, 2 do
  local label, value = ARGV[i], ARGV[i + 1]
  local old = redis.call('HGET', KEYS[1], label .. '|' .. layer) or ''
  if old ~= value then
    if value == '' then
      redis.call('HDEL', KEYS[1], label .. '|' .. layer)
    else
      redis.call('HSET', KEYS[1], label .. '|' .. layer, value)
    end
    if layer == 'override' then
      if value == '' then
        redis.call('HDEL', KEYS[1], label .. '|author', label .. '|reason')
      else
        redis.call('HSET', KEYS[1], label .. '|author', author, label .. '|reason', reason)
      end
    end
    redis.call('HSET', KEYS[1], label .. '|updatedAt', at)
    local id = redis.call('INCR', KEYS[3])
    redis.call('LPUSH', KEYS[2], cjson.encode({ id = id, modelId = model, label = label, layer = layer,
      old = old, new = value, author = author, reason = reason, at = at }))
    changed = changed + 1
  end
end
if changed > 0 then redis.call('PUBLISH', channel, model) end
return changed
`;

interface AuditJson {
  id: number;
  modelId: string;
  label: string;
  layer: ThresholdLayer;
  old: string;
  new: string;
  author: string;
  reason: string;
  at: string;
}

/**
 * Redis store: one hash per model, an audit list per model, all changes through one Lua script, which also
 * publishes the changed model id on `<keyPrefix>changes` for every process that `watch`es.
 */
class RedisThresholdStore implements ThresholdStore {
  private readonly client: Redis;
  private closed = false;
  private readonly feed = new ChangeFeed((emit) => this.subscribe(emit));

  constructor(
    private readonly options: RedisStoreOptions,
    private readonly now: () => Date,
  ) {
    // The driver is loaded here, when the store is created, so importing the package loads no driver.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: RedisClient } = require('ioredis') as typeof import('ioredis');
    this.client = new RedisClient(options.url, {
      lazyConnect: true,
      // Fail a command after one reconnect attempt instead of queueing it forever: callers (the cache) then
      // serve the last known values and report degraded.
      maxRetriesPerRequest: 1,
      connectTimeout: options.commandTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      // disconnect() arms a timer to destroy the socket, and when that socket is already closed (server down)
      // the timer runs to the end, keeping the process alive for that long: keep it short.
      disconnectTimeout: 100,
    });
    // Connection errors surface through the failing commands; an unhandled 'error' event would only log noise.
    this.client.on('error', () => undefined);
  }

  async setRecommended(modelId: string, thresholds: ThresholdMap, change: ChangeInfo): Promise<void> {
    const entries = checkRecommended(modelId, thresholds, change);
    if (entries.length === 0) return;
    await this.applyChange('setRecommended', modelId, 'recommended', entries, change);
  }

  async setOverride(modelId: string, label: string, value: number | null, change: ChangeInfo): Promise<void> {
    checkOverride(modelId, label, value, change);
    await this.applyChange('setOverride', modelId, 'override', [[label, value]], change);
  }

  async list(modelId: string): Promise<LabelThreshold[]> {
    checkModelId(modelId);
    return (await this.rows(modelId)).map(toLabelThreshold);
  }

  async getEffective(modelId: string): Promise<ThresholdMap> {
    checkModelId(modelId);
    return effectiveOf(await this.rows(modelId), modelId);
  }

  async audit(modelId: string, options: { limit?: number } = {}): Promise<ThresholdAuditEntry[]> {
    checkModelId(modelId);
    const limit = checkAuditLimit(options.limit);
    const items = await this.command('audit', () =>
      this.client.lrange(this.key('audit', modelId), 0, limit === undefined ? -1 : limit - 1),
    );
    return items.map((item) => {
      const row = JSON.parse(item) as AuditJson;
      return {
        id: row.id,
        modelId: row.modelId,
        label: row.label,
        layer: row.layer,
        oldValue: parseValue(row.old),
        newValue: parseValue(row.new),
        author: row.author,
        reason: row.reason,
        at: row.at,
      };
    });
  }

  async ping(): Promise<void> {
    await this.command('ping', () => this.client.ping());
  }

  /**
   * Calls `listener` with the id of every model changed through any process, over one dedicated subscriber
   * connection. It reconnects on its own (200 ms doubling to 2 s) and each successful (re)subscription is followed
   * by a `resync` notice, since messages published meanwhile are lost.
   */
  watch(listener: (notice: ThresholdChangeNotice) => void): ThresholdWatch {
    return this.feed.watch(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.feed.close();
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }

  private subscribe(emit: (notice: ThresholdChangeNotice) => void): ChangeSubscription {
    const channel = this.key('changes');
    const subscriber = this.client.duplicate({
      lazyConnect: false,
      // Subscribed ourselves on every 'ready', so the resync notice follows a subscription that is in place.
      autoResubscribe: false,
      // A subscriber waits for messages indefinitely: no per-command timeout, retry forever.
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
      retryStrategy: (attempt) => reconnectDelayMs(attempt),
    });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (from: string, modelId: string) => {
      if (from === channel && modelId) emit({ kind: 'changed', modelId });
    });
    subscriber.on('ready', () => {
      subscriber.subscribe(channel).then(
        () => emit({ kind: 'resync' }),
        // The connection went away again; the next 'ready' retries.
        () => undefined,
      );
    });
    return {
      stop: async () => {
        subscriber.disconnect();
        await Promise.resolve();
      },
    };
  }

  private async applyChange(
    operation: string,
    modelId: string,
    layer: ThresholdLayer,
    entries: readonly (readonly [string, number | null])[],
    change: ChangeInfo,
  ): Promise<void> {
    const args = [layer, change.author, change.reason, this.now().toISOString(), modelId, this.key('changes')];
    for (const [label, value] of entries) args.push(label, value === null ? '' : String(value));
    const keys = [this.key('layers', modelId), this.key('audit', modelId), this.key('audit-seq')];
    await this.command(operation, () => this.client.eval(APPLY_SCRIPT, keys.length, ...keys, ...args));
  }

  private async rows(modelId: string): Promise<StoredLayers[]> {
    const hash = await this.command('read', () => this.client.hgetall(this.key('layers', modelId)));
    const labels = new Set(Object.keys(hash).map((field) => field.slice(0, field.lastIndexOf('|'))));
    return byLabel(
      [...labels].map((label) => ({
        label,
        recommended: parseValue(hash[`${label}|recommended`]),
        override: parseValue(hash[`${label}|override`]),
        overrideAuthor: hash[`${label}|author`] ?? null,
        overrideReason: hash[`${label}|reason`] ?? null,
        updatedAt: hash[`${label}|updatedAt`] ?? '',
      })),
    );
  }

  private key(kind: 'layers' | 'audit' | 'audit-seq' | 'changes', modelId?: string): string {
    return modelId === undefined ? `${this.options.keyPrefix}${kind}` : `${this.options.keyPrefix}${kind}:${modelId}`;
  }

  private async command<T>(operation: string, body: () => Promise<T>): Promise<T> {
    if (this.closed) throw new MangaAssistError('STORE_UNAVAILABLE', 'redis threshold store is closed');
    try {
      return await body();
    } catch (error) {
      throw storeFailure(`redis (${redact(this.options.url)})`, operation, error);
    }
  }
}

function parseValue(text: string | undefined): number | null {
  return text === undefined || text === '' ? null : Number(text);
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

/**
 * `redis`: thresholds in Redis hashes with an audit list per model; changes are atomic Lua scripts.
 *
 * @example
 * ```ts
 * registry.create('redis', { url: 'redis://127.0.0.1:6379/0', keyPrefix: 'prod:thresholds:' }, {});
 * ```
 */
export const redisStore: PluginDescriptor<RedisStoreOptions, ThresholdStoreDeps, ThresholdStore> = {
  id: 'redis',
  description:
    'Redis hashes with an audit list per model; every change is one atomic Lua script that also publishes a change notice. Options: url.',
  optionsSchema,
  create: (options, deps) => new RedisThresholdStore(options, deps.now ?? (() => new Date())),
};
