import { MangaAssistError, type PluginDescriptor } from '@mangaassist/common';
import type { Client, Pool, PoolClient } from 'pg';
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
  expiryReason,
  liveLayers,
  samePhrases,
  storeFailure,
  toLabelThreshold,
  type StoredLayers,
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
    /** Connection string, e.g. `postgres://user:secret@127.0.0.1:5432/mangaassist`. */
    url: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://'),
    /** Schema holding the tables (created when missing). */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .default('public'),
    poolSize: z.number().int().min(1).max(100).default(5),
    /** How long to wait for a connection before failing with `STORE_UNAVAILABLE`. */
    connectTimeoutMs: z.number().int().positive().default(3000),
  })
  .strict();

/** Options of the `postgres` store. */
export type PostgresStoreOptions = z.infer<typeof optionsSchema>;

// Deadlocks and serialization failures are transient: the whole transaction is retried.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/**
 * PostgreSQL store. Each change is one transaction that inserts missing rows (`ON CONFLICT DO NOTHING`), locks them
 * with `SELECT … FOR UPDATE` in label order (no deadlock between writers), then writes the new value and the audit
 * row: concurrent writers on any number of connections queue on the row lock and lose no update.
 *
 * A transaction that changed something also sends `NOTIFY` on a channel named after the schema, with the model id
 * as payload; PostgreSQL delivers it at commit to every process that `LISTEN`s there (see `watch`).
 */
class PostgresThresholdStore implements ThresholdStore {
  private readonly pool: Pool;
  private ready: Promise<void> | undefined;
  private closed = false;
  private readonly layers: string;
  private readonly auditTable: string;
  private readonly phraseTable: string;
  private readonly phraseAuditTable: string;
  private readonly channel: string;
  private readonly feed = new ChangeFeed((emit) => this.listen(emit));

  constructor(
    private readonly options: PostgresStoreOptions,
    private readonly now: () => Date,
  ) {
    // The driver is loaded here, when the store is created, so importing the package loads no driver.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool: PgPool } = require('pg') as typeof import('pg');
    this.pool = new PgPool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 10_000,
    });
    // An idle client losing its server emits here; without a listener node would crash the process.
    this.pool.on('error', () => undefined);
    this.layers = `"${options.schema}".threshold_layers`;
    this.auditTable = `"${options.schema}".threshold_audit`;
    this.phraseTable = `"${options.schema}".churn_phrases`;
    this.phraseAuditTable = `"${options.schema}".churn_phrase_audit`;
    // Channel names are identifiers (63 bytes at most); two long schema names cut to the same channel only cost
    // each other a spare re-read.
    this.channel = `mangaassist_thresholds_${options.schema}`.slice(0, 63);
  }

  async setRecommended(modelId: string, thresholds: ThresholdMap, change: ChangeInfo): Promise<void> {
    const entries = checkRecommended(modelId, thresholds, change);
    if (entries.length === 0) return;
    await this.transaction('setRecommended', async (client) => {
      let changed = false;
      for (const [label, value] of entries) {
        if (await this.apply(client, modelId, label, 'recommended', value, change)) changed = true;
      }
      if (changed) await this.notify(client, modelId);
    });
  }

  async setOverride(
    modelId: string,
    label: string,
    value: number | null,
    change: ChangeInfo,
    options: OverrideOptions = {},
  ): Promise<void> {
    const expiresAt = checkOverride(modelId, label, value, change, options, this.now());
    await this.transaction('setOverride', async (client) => {
      if (await this.apply(client, modelId, label, 'override', value, change, expiresAt)) await this.notify(client, modelId);
    });
  }

  async expireOverrides(modelId: string): Promise<ThresholdAuditEntry[]> {
    checkModelId(modelId);
    let reverted: ThresholdAuditEntry[] = [];
    await this.transaction('expireOverrides', async (client) => {
      const now = this.now();
      // FOR UPDATE: a concurrent expirer waits here, then re-checks the condition on the committed rows and finds
      // them cleared, so each revert is written (and audited) by exactly one process.
      const expired = await client.query<LayerRecord>(
        `SELECT * FROM ${this.layers} WHERE model_id = $1 AND override IS NOT NULL
         AND override_expires_at IS NOT NULL AND override_expires_at <= $2 ORDER BY label FOR UPDATE`,
        [modelId, now],
      );
      reverted = [];
      for (const row of expired.rows) reverted.push(await this.revert(client, modelId, row, now));
      if (reverted.length > 0) await this.notify(client, modelId);
    });
    return reverted;
  }

  async getChurnPhrases(modelId: string): Promise<ChurnPhraseList | null> {
    checkModelId(modelId);
    const result = await this.query('getChurnPhrases', (client) =>
      client.query<{ phrases: string[] | null; author: string; reason: string; updated_at: Date }>(
        `SELECT * FROM ${this.phraseTable} WHERE model_id = $1`,
        [modelId],
      ),
    );
    const row = result.rows[0];
    return row?.phrases ? { phrases: row.phrases, author: row.author, reason: row.reason, updatedAt: row.updated_at.toISOString() } : null;
  }

  async setChurnPhrases(modelId: string, phrases: readonly string[], change: ChangeInfo): Promise<void> {
    checkModelId(modelId);
    checkPhrases(phrases);
    checkChange(change);
    const list = JSON.stringify([...phrases]);
    await this.transaction('setChurnPhrases', async (client) => {
      await client.query(
        `INSERT INTO ${this.phraseTable} (model_id, phrases, author, reason, updated_at) VALUES ($1, NULL, '', '', $2)
         ON CONFLICT DO NOTHING`,
        [modelId, this.now()],
      );
      const locked = await client.query<{ phrases: string[] | null }>(
        `SELECT phrases FROM ${this.phraseTable} WHERE model_id = $1 FOR UPDATE`,
        [modelId],
      );
      const old = locked.rows[0]?.phrases ?? null;
      if (samePhrases(old, phrases)) return;
      const at = this.now();
      await client.query(
        `UPDATE ${this.phraseTable} SET phrases = $2::jsonb, author = $3, reason = $4, updated_at = $5 WHERE model_id = $1`,
        [modelId, list, change.author, change.reason, at],
      );
      await client.query(
        `INSERT INTO ${this.phraseAuditTable} (model_id, old_phrases, new_phrases, author, reason, at)
         VALUES ($1, $2::jsonb, $3::jsonb, $4, $5, $6)`,
        [modelId, old === null ? null : JSON.stringify(old), list, change.author, change.reason, at],
      );
      await this.notify(client, modelId);
    });
  }

  async churnPhraseAudit(modelId: string, options: { limit?: number } = {}): Promise<ChurnPhraseAuditEntry[]> {
    checkModelId(modelId);
    const limit = checkAuditLimit(options.limit);
    const result = await this.query('churnPhraseAudit', (client) =>
      client.query<{
        id: string;
        model_id: string;
        old_phrases: string[] | null;
        new_phrases: string[];
        author: string;
        reason: string;
        at: Date;
      }>(`SELECT * FROM ${this.phraseAuditTable} WHERE model_id = $1 ORDER BY id DESC LIMIT $2`, [modelId, limit ?? null]),
    );
    return result.rows.map((r) => ({
      id: Number(r.id),
      modelId: r.model_id,
      oldPhrases: r.old_phrases,
      newPhrases: r.new_phrases,
      author: r.author,
      reason: r.reason,
      at: r.at.toISOString(),
    }));
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
    const result = await this.query('audit', (client) =>
      client.query<{
        id: string;
        model_id: string;
        label: string;
        layer: ThresholdLayer;
        old_value: number | null;
        new_value: number | null;
        author: string;
        reason: string;
        at: Date;
        expires_at: Date | null;
      }>(`SELECT * FROM ${this.auditTable} WHERE model_id = $1 ORDER BY id DESC LIMIT $2`, [modelId, limit ?? null]),
    );
    return result.rows.map((r) => ({
      id: Number(r.id),
      modelId: r.model_id,
      label: r.label,
      layer: r.layer,
      oldValue: r.old_value,
      newValue: r.new_value,
      author: r.author,
      reason: r.reason,
      at: r.at.toISOString(),
      ...(r.expires_at ? { expiresAt: r.expires_at.toISOString() } : {}),
    }));
  }

  async ping(): Promise<void> {
    await this.query('ping', (client) => client.query('SELECT 1'));
  }

  /**
   * Calls `listener` with the id of every model changed through any process, over one dedicated `LISTEN`
   * connection. When that connection drops it is re-opened (200 ms doubling to 2 s), and each successful `LISTEN`
   * is followed by a `resync` notice, since notices sent meanwhile are lost.
   */
  watch(listener: (notice: ThresholdChangeNotice) => void): ThresholdWatch {
    return this.feed.watch(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.feed.close();
    await this.pool.end();
  }

  private async notify(client: PoolClient, modelId: string): Promise<void> {
    // Sent at COMMIT, not at all on ROLLBACK: watchers never hear of a change that did not happen.
    await client.query('SELECT pg_notify($1, $2)', [this.channel, modelId]);
  }

  private listen(emit: (notice: ThresholdChangeNotice) => void): ChangeSubscription {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client: PgClient } = require('pg') as typeof import('pg');
    let stopped = false;
    let client: Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    let attempt = 0;
    const connect = async (): Promise<void> => {
      if (stopped) return;
      const next = new PgClient({ connectionString: this.options.url, connectionTimeoutMillis: this.options.connectTimeoutMs });
      client = next;
      let dropped = false;
      const drop = () => {
        if (dropped) return;
        dropped = true;
        next.end().catch(() => undefined);
        if (stopped) return;
        attempt += 1;
        timer = setTimeout(() => void connect(), reconnectDelayMs(attempt));
        timer.unref();
      };
      next.on('error', drop);
      next.on('end', drop);
      next.on('notification', (message) => {
        if (message.channel === this.channel && message.payload) emit({ kind: 'changed', modelId: message.payload });
      });
      try {
        await next.connect();
        await next.query(`LISTEN "${this.channel}"`);
      } catch {
        drop();
        return;
      }
      if (stopped) {
        await next.end().catch(() => undefined);
        return;
      }
      attempt = 0;
      emit({ kind: 'resync' });
    };
    void connect();
    return {
      stop: async () => {
        stopped = true;
        clearTimeout(timer);
        await client?.end().catch(() => undefined);
      },
    };
  }

  private async rows(modelId: string): Promise<StoredLayers[]> {
    const result = await this.query('read', (client) =>
      client.query<LayerRecord>(`SELECT * FROM ${this.layers} WHERE model_id = $1`, [modelId]),
    );
    return liveLayers(
      byLabel(
        result.rows.map((r) => ({
          label: r.label,
          recommended: r.recommended,
          override: r.override,
          overrideAuthor: r.override_author,
          overrideReason: r.override_reason,
          overrideExpiresAt: r.override_expires_at ? r.override_expires_at.toISOString() : null,
          updatedAt: r.updated_at.toISOString(),
        })),
      ),
      this.now(),
    );
  }

  /** Clears an expired override and writes its audit row; the caller holds the row lock. */
  private async revert(client: PoolClient, modelId: string, row: LayerRecord, now: Date): Promise<ThresholdAuditEntry> {
    const reason = expiryReason({
      overrideExpiresAt: row.override_expires_at ? row.override_expires_at.toISOString() : null,
      overrideAuthor: row.override_author,
      overrideReason: row.override_reason,
    });
    await client.query(
      `UPDATE ${this.layers} SET override = NULL, override_author = NULL, override_reason = NULL,
         override_expires_at = NULL, updated_at = $3 WHERE model_id = $1 AND label = $2`,
      [modelId, row.label, now],
    );
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO ${this.auditTable} (model_id, label, layer, old_value, new_value, author, reason, at)
       VALUES ($1, $2, 'override', $3, NULL, $4, $5, $6) RETURNING id`,
      [modelId, row.label, row.override, EXPIRY_AUTHOR, reason, now],
    );
    return {
      id: Number(inserted.rows[0]?.id),
      modelId,
      label: row.label,
      layer: 'override',
      oldValue: row.override,
      newValue: null,
      author: EXPIRY_AUTHOR,
      reason,
      at: now.toISOString(),
    };
  }

  /** Reads the old value under a row lock, then writes the new value and its audit row; false when unchanged. */
  private async apply(
    client: PoolClient,
    modelId: string,
    label: string,
    layer: ThresholdLayer,
    value: number | null,
    change: ChangeInfo,
    expiresAt: string | null = null,
  ): Promise<boolean> {
    const lock = () =>
      client.query<LayerRecord & { value: number | null }>(
        `SELECT *, ${layer} AS value FROM ${this.layers} WHERE model_id = $1 AND label = $2 FOR UPDATE`,
        [modelId, label],
      );
    let locked = await lock();
    if (locked.rows.length === 0) {
      if (value === null) return false;
      // A concurrent first writer of this label waits here on the unique index, then locks the row below.
      await client.query(
        `INSERT INTO ${this.layers} (model_id, label, updated_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [modelId, label, this.now()],
      );
      locked = await lock();
    }
    const now = this.now();
    const current = locked.rows[0];
    let expired = false;
    if (layer === 'override' && current?.override !== null && current?.override_expires_at && current.override_expires_at <= now) {
      // The expired override's revert is recorded first, so the audit says it ended before this change.
      await this.revert(client, modelId, current, now);
      expired = true;
    }
    const old = expired ? null : (current?.value ?? null);
    const oldExpiry = expired ? null : (current?.override_expires_at?.toISOString() ?? null);
    if (old === value && (layer === 'recommended' || oldExpiry === expiresAt)) return expired;
    const at = now;
    if (layer === 'recommended') {
      await client.query(
        `UPDATE ${this.layers} SET recommended = $3, updated_at = $4 WHERE model_id = $1 AND label = $2`,
        [modelId, label, value, at],
      );
    } else {
      await client.query(
        `UPDATE ${this.layers} SET override = $3, override_author = $4, override_reason = $5, override_expires_at = $7,
           updated_at = $6 WHERE model_id = $1 AND label = $2`,
        [modelId, label, value, value === null ? null : change.author, value === null ? null : change.reason, at, value === null ? null : expiresAt],
      );
    }
    await client.query(
      `INSERT INTO ${this.auditTable} (model_id, label, layer, old_value, new_value, author, reason, at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [modelId, label, layer, old, value, change.author, change.reason, at, value === null ? null : expiresAt],
    );
    return true;
  }

  private async transaction(operation: string, body: (client: PoolClient) => Promise<void>): Promise<void> {
    await this.query(operation, async (client) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await client.query('BEGIN');
          await body(client);
          await client.query('COMMIT');
          return;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          const code = (error as { code?: string }).code;
          if (!(code && RETRYABLE.has(code)) || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    });
  }

  private async query<T>(operation: string, body: (client: PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new MangaAssistError('STORE_UNAVAILABLE', `postgres threshold store (schema ${this.options.schema}) is closed`);
    }
    try {
      await this.init();
      const client = await this.pool.connect();
      try {
        return await body(client);
      } finally {
        client.release();
      }
    } catch (error) {
      throw storeFailure(`postgres (${redact(this.options.url)})`, operation, error);
    }
  }

  /** Creates the schema once per instance; a failed attempt is retried by the next call (the server may be back). */
  private init(): Promise<void> {
    this.ready ??= this.createSchema().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async createSchema(): Promise<void> {
    const schema = `"${this.options.schema}"`;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Two processes creating the same tables at once would race on the catalog; serialise them.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mangaassist-thresholds:${this.options.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.layers} (
          model_id text NOT NULL,
          label text NOT NULL,
          recommended double precision CHECK (recommended IS NULL OR (recommended > 0 AND recommended < 1)),
          override double precision CHECK (override IS NULL OR (override > 0 AND override < 1)),
          override_author text,
          override_reason text,
          override_expires_at timestamptz,
          updated_at timestamptz NOT NULL,
          PRIMARY KEY (model_id, label)
        )`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.auditTable} (
          id bigserial PRIMARY KEY,
          model_id text NOT NULL,
          label text NOT NULL,
          layer text NOT NULL CHECK (layer IN ('recommended', 'override')),
          old_value double precision,
          new_value double precision,
          author text NOT NULL,
          reason text NOT NULL,
          at timestamptz NOT NULL,
          expires_at timestamptz
        )`);
      await client.query(`CREATE INDEX IF NOT EXISTS threshold_audit_model ON ${this.auditTable} (model_id, id)`);
      // Added after the first release: tables created before get them here. Only when missing: ALTER TABLE takes an
      // exclusive lock even when it has nothing to do, and would deadlock with writers of an instance already up.
      for (const [table, name, column] of [
        [this.layers, 'threshold_layers', 'override_expires_at'],
        [this.auditTable, 'threshold_audit', 'expires_at'],
      ] as const) {
        const found = await client.query(
          'SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3',
          [this.options.schema, name, column],
        );
        if (found.rows.length === 0) await client.query(`ALTER TABLE ${table} ADD COLUMN ${column} timestamptz`);
      }
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.phraseTable} (
          model_id text PRIMARY KEY,
          phrases jsonb,
          author text NOT NULL,
          reason text NOT NULL,
          updated_at timestamptz NOT NULL
        )`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.phraseAuditTable} (
          id bigserial PRIMARY KEY,
          model_id text NOT NULL,
          old_phrases jsonb,
          new_phrases jsonb NOT NULL,
          author text NOT NULL,
          reason text NOT NULL,
          at timestamptz NOT NULL
        )`);
      await client.query(`CREATE INDEX IF NOT EXISTS churn_phrase_audit_model ON ${this.phraseAuditTable} (model_id, id)`);
      // Append-only for every client of the database, not only this code.
      await client.query(`
        CREATE OR REPLACE FUNCTION ${schema}.threshold_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`);
      await client.query(`
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'threshold_audit_append_only'
                         AND tgrelid = '${this.auditTable}'::regclass) THEN
            CREATE TRIGGER threshold_audit_append_only BEFORE UPDATE OR DELETE ON ${this.auditTable}
              FOR EACH ROW EXECUTE FUNCTION ${schema}.threshold_audit_append_only();
          END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'churn_phrase_audit_append_only'
                         AND tgrelid = '${this.phraseAuditTable}'::regclass) THEN
            CREATE TRIGGER churn_phrase_audit_append_only BEFORE UPDATE OR DELETE ON ${this.phraseAuditTable}
              FOR EACH ROW EXECUTE FUNCTION ${schema}.threshold_audit_append_only();
          END IF;
        END $$`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** A `threshold_layers` row as the driver returns it. */
interface LayerRecord {
  label: string;
  recommended: number | null;
  override: number | null;
  override_author: string | null;
  override_reason: string | null;
  override_expires_at: Date | null;
  updated_at: Date;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/**
 * `postgres`: thresholds in PostgreSQL tables (`threshold_layers`, `threshold_audit`) in the given schema.
 *
 * @example
 * ```ts
 * registry.create('postgres', { url: 'postgres://app:secret@db:5432/mangaassist', schema: 'thresholds' }, {});
 * ```
 */
export const postgresStore: PluginDescriptor<PostgresStoreOptions, ThresholdStoreDeps, ThresholdStore> = {
  id: 'postgres',
  description:
    'PostgreSQL tables (row locks per label, append-only audit table); changes reach every process via LISTEN/NOTIFY. Options: url, schema.',
  optionsSchema,
  create: (options, deps) => new PostgresThresholdStore(options, deps.now ?? (() => new Date())),
};
