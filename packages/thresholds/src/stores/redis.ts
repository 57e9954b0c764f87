import { MangaAssistError, type PluginDescriptor } from '@mangaassist/common';
import type Redis from 'ioredis';
import { z } from 'zod';
import {
  byLabel,
  checkAuditLimit,
  checkChange,
  checkModelId,
  checkOverride,
  checkPhrases,
  checkRecommended,
  effectiveOf,
  liveLayers,
  storeFailure,
  type StoredLayers,
  toLabelThreshold,
  type ThresholdLayer,
  type ThresholdStoreDeps,
} from '../store-support';
import {
  EXPIRY_AUTHOR,
  type ChangeInfo,
  type ChurnPhraseAuditEntry,
  type ChurnPhraseList,
  type LabelThreshold,
  type OverrideOptions,
  type ThresholdAuditEntry,
  type ThresholdChangeNotice,
  type ThresholdMap,
  type ThresholdStore,
  type ThresholdWatch,
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
 * Clears the override of `label` in hash KEYS[1] (it has expired) and pushes its audit row onto KEYS[2] with an id
 * from KEYS[3]; returns the row's JSON. Needs `model`, `at` and `expiryAuthor` in scope. The reason reads as
 * `expiryReason` in store-support.ts writes it.
 */
const REVERT_FUNCTION = `
local function revert(label)
  local old = redis.call('HGET', KEYS[1], label .. '|override') or ''
  local expires = redis.call('HGET', KEYS[1], label .. '|expiresAt') or ''
  local by = redis.call('HGET', KEYS[1], label .. '|author') or ''
  local why = redis.call('HGET', KEYS[1], label .. '|reason') or ''
  redis.call('HDEL', KEYS[1], label .. '|override', label .. '|author', label .. '|reason', label .. '|expiresAt')
  redis.call('HSET', KEYS[1], label .. '|updatedAt', at)
  local reason = 'temporary override expired at ' .. (expires ~= '' and expires or 'an unknown time') .. ' (was'
  if by ~= '' then reason = reason .. ' set by ' .. by end
  if why ~= '' then reason = reason .. ': ' .. why end
  reason = reason .. ')'
  local id = redis.call('INCR', KEYS[3])
  local row = cjson.encode({ id = id, modelId = model, label = label, layer = 'override', old = old, new = '',
    author = expiryAuthor, reason = reason, at = at })
  redis.call('LPUSH', KEYS[2], row)
  return row
end
local function expired(label)
  local expires = redis.call('HGET', KEYS[1], label .. '|expiresAt')
  return expires and expires ~= '' and redis.call('HEXISTS', KEYS[1], label .. '|override') == 1 and expires <= at
end
`;

/**
 * Applies one change atomically (Redis runs a script without interleaving any other command), so concurrent writers
 * from any number of clients lose no update. Values travel as the strings JavaScript printed, which parse back to
 * the same doubles; "" means no value. Layout: hash KEYS[1] with fields `<label>|recommended`, `<label>|override`,
 * `<label>|author`, `<label>|reason`, `<label>|expiresAt` (temporary overrides), `<label>|updatedAt`; audit rows as
 * JSON, newest first, in list KEYS[2]; audit ids from counter KEYS[3]. An override past its expiry is reverted (with
 * its own audit row) before it is changed. When anything changed, the model id is published on channel ARGV[6],
 * inside the script so that no change goes out without its notice.
 * ARGV: layer, author, reason, at, modelId, channel, expiresAt ("" for none), expiry author, then label/value pairs.
 */
const APPLY_SCRIPT = `
local layer, author, reason, at, model, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local expiresAt, expiryAuthor = ARGV[7], ARGV[8]
${REVERT_FUNCTION}
local changed = 0
for i = 9, #ARGV, 2 do
  local label, value = ARGV[i], ARGV[i + 1]
  if layer == 'override' and expired(label) then
    revert(label)
    changed = changed + 1
  end
  local old = redis.call('HGET', KEYS[1], label .. '|' .. layer) or ''
  local oldExpiry = redis.call('HGET', KEYS[1], label .. '|expiresAt') or ''
  local newExpiry = value == '' and '' or expiresAt
  if old ~= value or (layer == 'override' and oldExpiry ~= newExpiry) then
    if value == '' then
      redis.call('HDEL', KEYS[1], label .. '|' .. layer)
    else
      redis.call('HSET', KEYS[1], label .. '|' .. layer, value)
    end
    if layer == 'override' then
      if value == '' then
        redis.call('HDEL', KEYS[1], label .. '|author', label .. '|reason', label .. '|expiresAt')
      else
        redis.call('HSET', KEYS[1], label .. '|author', author, label .. '|reason', reason)
        if newExpiry == '' then
          redis.call('HDEL', KEYS[1], label .. '|expiresAt')
        else
          redis.call('HSET', KEYS[1], label .. '|expiresAt', newExpiry)
        end
      end
    end
    redis.call('HSET', KEYS[1], label .. '|updatedAt', at)
    local id = redis.call('INCR', KEYS[3])
    local row = { id = id, modelId = model, label = label, layer = layer,
      old = old, new = value, author = author, reason = reason, at = at }
    if layer == 'override' and newExpiry ~= '' then row.expiresAt = newExpiry end
    redis.call('LPUSH', KEYS[2], cjson.encode(row))
    changed = changed + 1
  end
end
if changed > 0 then redis.call('PUBLISH', channel, model) end
return changed
`;

/**
 * Reverts every override of hash KEYS[1] that has expired at ARGV[1] (audit list KEYS[2], ids from KEYS[3]) and
 * returns their audit rows as JSON. Atomic: of several processes running it at once, the first reverts and audits,
 * the others find nothing expired.
 * ARGV: at, modelId, channel, expiry author.
 */
const EXPIRE_SCRIPT = `
local at, model, channel, expiryAuthor = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
${REVERT_FUNCTION}
local rows = {}
local fields = redis.call('HKEYS', KEYS[1])
table.sort(fields)
for _, field in ipairs(fields) do
  local label = string.match(field, '^(.*)|expiresAt$')
  if label and expired(label) then table.insert(rows, revert(label)) end
end
if #rows > 0 then redis.call('PUBLISH', channel, model) end
return rows
`;

/**
 * Replaces a model's churn phrase list atomically: hash KEYS[1] (`phrases` as the JSON text JavaScript wrote,
 * `author`, `reason`, `updatedAt`), audit rows as JSON in list KEYS[2] with ids from KEYS[3]. The same list again
 * writes nothing. ARGV: phrases JSON, author, reason, at, modelId, channel.
 */
const PHRASES_SCRIPT = `
local phrases, author, reason, at, model, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local old = redis.call('HGET', KEYS[1], 'phrases') or ''
if old == phrases then return 0 end
redis.call('HSET', KEYS[1], 'phrases', phrases, 'author', author, 'reason', reason, 'updatedAt', at)
local id = redis.call('INCR', KEYS[3])
redis.call('LPUSH', KEYS[2], cjson.encode({ id = id, modelId = model, old = old, new = phrases, author = author,
  reason = reason, at = at }))
redis.call('PUBLISH', channel, model)
return 1
`;

interface PhraseAuditJson {
  id: number;
  modelId: string;
  old: string;
  new: string;
  author: string;
  reason: string;
  at: string;
}

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
  expiresAt?: string;
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

  async setOverride(
    modelId: string,
    label: string,
    value: number | null,
    change: ChangeInfo,
    options: OverrideOptions = {},
  ): Promise<void> {
    const expiresAt = checkOverride(modelId, label, value, change, options, this.now());
    await this.applyChange('setOverride', modelId, 'override', [[label, value]], change, expiresAt);
  }

  async expireOverrides(modelId: string): Promise<ThresholdAuditEntry[]> {
    checkModelId(modelId);
    const keys = [this.key('layers', modelId), this.key('audit', modelId), this.key('audit-seq')];
    const args = [this.now().toISOString(), modelId, this.key('changes'), EXPIRY_AUTHOR];
    const rows = (await this.command('expireOverrides', () =>
      this.client.eval(EXPIRE_SCRIPT, keys.length, ...keys, ...args),
    )) as string[];
    return rows.map((row) => toAuditEntry(JSON.parse(row) as AuditJson));
  }

  async getChurnPhrases(modelId: string): Promise<ChurnPhraseList | null> {
    checkModelId(modelId);
    const hash = await this.command('getChurnPhrases', () => this.client.hgetall(this.key('churn-phrases', modelId)));
    if (!hash.phrases) return null;
    return { phrases: JSON.parse(hash.phrases) as string[], author: hash.author ?? '', reason: hash.reason ?? '', updatedAt: hash.updatedAt ?? '' };
  }

  async setChurnPhrases(modelId: string, phrases: readonly string[], change: ChangeInfo): Promise<void> {
    checkModelId(modelId);
    checkPhrases(phrases);
    checkChange(change);
    const keys = [this.key('churn-phrases', modelId), this.key('churn-phrase-audit', modelId), this.key('audit-seq')];
    const args = [JSON.stringify([...phrases]), change.author, change.reason, this.now().toISOString(), modelId, this.key('changes')];
    await this.command('setChurnPhrases', () => this.client.eval(PHRASES_SCRIPT, keys.length, ...keys, ...args));
  }

  async churnPhraseAudit(modelId: string, options: { limit?: number } = {}): Promise<ChurnPhraseAuditEntry[]> {
    checkModelId(modelId);
    const limit = checkAuditLimit(options.limit);
    const items = await this.command('churnPhraseAudit', () =>
      this.client.lrange(this.key('churn-phrase-audit', modelId), 0, limit === undefined ? -1 : limit - 1),
    );
    return items.map((item) => {
      const row = JSON.parse(item) as PhraseAuditJson;
      return {
        id: row.id,
        modelId: row.modelId,
        oldPhrases: row.old === '' ? null : (JSON.parse(row.old) as string[]),
        newPhrases: JSON.parse(row.new) as string[],
        author: row.author,
        reason: row.reason,
        at: row.at,
      };
    });
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
    return items.map((item) => toAuditEntry(JSON.parse(item) as AuditJson));
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
    expiresAt: string | null = null,
  ): Promise<void> {
    const args = [layer, change.author, change.reason, this.now().toISOString(), modelId, this.key('changes'), expiresAt ?? '', EXPIRY_AUTHOR];
    for (const [label, value] of entries) args.push(label, value === null ? '' : String(value));
    const keys = [this.key('layers', modelId), this.key('audit', modelId), this.key('audit-seq')];
    await this.command(operation, () => this.client.eval(APPLY_SCRIPT, keys.length, ...keys, ...args));
  }

  private async rows(modelId: string): Promise<StoredLayers[]> {
    const hash = await this.command('read', () => this.client.hgetall(this.key('layers', modelId)));
    const labels = new Set(Object.keys(hash).map((field) => field.slice(0, field.lastIndexOf('|'))));
    return liveLayers(
      byLabel(
        [...labels].map((label) => ({
          label,
          recommended: parseValue(hash[`${label}|recommended`]),
          override: parseValue(hash[`${label}|override`]),
          overrideAuthor: hash[`${label}|author`] ?? null,
          overrideReason: hash[`${label}|reason`] ?? null,
          overrideExpiresAt: hash[`${label}|expiresAt`] ?? null,
          updatedAt: hash[`${label}|updatedAt`] ?? '',
        })),
      ),
      this.now(),
    );
  }

  private key(
    kind: 'layers' | 'audit' | 'audit-seq' | 'changes' | 'churn-phrases' | 'churn-phrase-audit',
    modelId?: string,
  ): string {
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

function toAuditEntry(row: AuditJson): ThresholdAuditEntry {
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
    ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
  };
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
