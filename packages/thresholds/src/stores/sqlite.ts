import { MangaAssistError, type PluginDescriptor } from '@mangaassist/common';
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
  isExpired,
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
  type ThresholdMap,
  type ThresholdStore,
} from '../threshold-store';

const optionsSchema = z
  .object({
    /** Database file (created with its folder when missing); `:memory:` for a private in-memory database. */
    path: z.string().min(1).default('runs/thresholds.db'),
    /**
     * How long an operation waits for another connection's lock before failing with `STORE_UNAVAILABLE`. The wait
     * is asynchronous (retries every few milliseconds), so a lock held elsewhere never freezes the event loop.
     */
    busyTimeoutMs: z.number().int().min(0).default(5000),
  })
  .strict();

/** Options of the `sqlite` store. */
export type SqliteStoreOptions = z.infer<typeof optionsSchema>;

// The audit table refuses UPDATE and DELETE, so "append-only" holds for every client of the file, not just ours.
// Values are checked on the way in by the store and again on the way out (a file written by another client, or
// created before these checks existed); the CHECKs make the database itself refuse a value that is not a threshold.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS threshold_layers (
  model_id TEXT NOT NULL,
  label TEXT NOT NULL,
  recommended REAL CHECK (recommended IS NULL OR (recommended > 0 AND recommended < 1)),
  override REAL CHECK (override IS NULL OR (override > 0 AND override < 1)),
  override_author TEXT,
  override_reason TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (model_id, label)
);
CREATE TABLE IF NOT EXISTS threshold_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id TEXT NOT NULL,
  label TEXT NOT NULL,
  layer TEXT NOT NULL CHECK (layer IN ('recommended', 'override')),
  old_value REAL,
  new_value REAL,
  author TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS threshold_audit_model ON threshold_audit (model_id, id);
CREATE TRIGGER IF NOT EXISTS threshold_audit_no_update BEFORE UPDATE ON threshold_audit
  BEGIN SELECT RAISE(ABORT, 'threshold_audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS threshold_audit_no_delete BEFORE DELETE ON threshold_audit
  BEGIN SELECT RAISE(ABORT, 'threshold_audit is append-only'); END;
CREATE TABLE IF NOT EXISTS churn_phrases (
  model_id TEXT PRIMARY KEY,
  phrases TEXT NOT NULL,
  author TEXT NOT NULL,
  reason TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS churn_phrase_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id TEXT NOT NULL,
  old_phrases TEXT,
  new_phrases TEXT NOT NULL,
  author TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS churn_phrase_audit_model ON churn_phrase_audit (model_id, id);
CREATE TRIGGER IF NOT EXISTS churn_phrase_audit_no_update BEFORE UPDATE ON churn_phrase_audit
  BEGIN SELECT RAISE(ABORT, 'churn_phrase_audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS churn_phrase_audit_no_delete BEFORE DELETE ON churn_phrase_audit
  BEGIN SELECT RAISE(ABORT, 'churn_phrase_audit is append-only'); END;
`;

/** Columns added after the first release: files created before them get them on open (ALTER TABLE … ADD COLUMN). */
const ADDED_COLUMNS: readonly (readonly [table: string, column: string, type: string])[] = [
  ['threshold_layers', 'override_expires_at', 'TEXT'],
  ['threshold_audit', 'expires_at', 'TEXT'],
];

interface LayerRow {
  label: string;
  recommended: number | null;
  override: number | null;
  override_author: string | null;
  override_reason: string | null;
  override_expires_at: string | null;
  updated_at: string;
}

interface AuditRow {
  id: number;
  model_id: string;
  label: string;
  layer: ThresholdLayer;
  old_value: number | null;
  new_value: number | null;
  author: string;
  reason: string;
  at: string;
  expires_at: string | null;
}

interface PhraseRow {
  phrases: string;
  author: string;
  reason: string;
  updated_at: string;
}

interface PhraseAuditRow {
  id: number;
  model_id: string;
  old_phrases: string | null;
  new_phrases: string;
  author: string;
  reason: string;
  at: string;
}

/** Longest a single attempt blocks the thread waiting for a lock (SQLite's own busy wait is synchronous). */
const LOCK_ATTEMPT_MS = 10;
/** Pause between attempts, during which the event loop runs. */
const LOCK_RETRY_MS = 15;

/**
 * The embedded store: one SQLite file in WAL mode (readers never block the writer). Every change runs in a
 * `BEGIN IMMEDIATE` transaction, which takes the write lock before reading the old value, so writers on the same
 * file (other instances, other processes) are serialised and the audit's old → new chain has no gap.
 *
 * better-sqlite3 is synchronous: SQLite's busy timeout would block the whole server while another process holds the
 * lock. Each attempt therefore waits at most {@link LOCK_ATTEMPT_MS}, and a busy database is retried after a pause
 * until `busyTimeoutMs` has passed.
 */
class SqliteThresholdStore implements ThresholdStore {
  private db: Database.Database | undefined;
  private closed = false;

  constructor(
    private readonly options: SqliteStoreOptions,
    private readonly now: () => Date,
  ) {}

  async setRecommended(modelId: string, thresholds: ThresholdMap, change: ChangeInfo): Promise<void> {
    const entries = checkRecommended(modelId, thresholds, change);
    await this.run('setRecommended', (db) =>
      db
        .transaction(() => {
          for (const [label, value] of entries) this.apply(db, modelId, label, 'recommended', value, change);
        })
        .immediate(),
    );
  }

  async setOverride(
    modelId: string,
    label: string,
    value: number | null,
    change: ChangeInfo,
    options: OverrideOptions = {},
  ): Promise<void> {
    const expiresAt = checkOverride(modelId, label, value, change, options, this.now());
    await this.run('setOverride', (db) =>
      db.transaction(() => this.apply(db, modelId, label, 'override', value, change, expiresAt)).immediate(),
    );
  }

  async expireOverrides(modelId: string): Promise<ThresholdAuditEntry[]> {
    checkModelId(modelId);
    const now = this.now();
    return this.run('expireOverrides', (db) =>
      db
        .transaction(() => {
          // Under the write lock: a process that cleared these first has left nothing expired for this one.
          const expired = db
            .prepare<[string, string], LayerRow>(
              `SELECT * FROM threshold_layers WHERE model_id = ? AND override IS NOT NULL
               AND override_expires_at IS NOT NULL AND override_expires_at <= ? ORDER BY label`,
            )
            .all(modelId, now.toISOString());
          return expired.map((row) => this.revert(db, modelId, row, now));
        })
        .immediate(),
    );
  }

  async getChurnPhrases(modelId: string): Promise<ChurnPhraseList | null> {
    checkModelId(modelId);
    const row = await this.run('getChurnPhrases', (db) =>
      db.prepare<[string], PhraseRow>('SELECT * FROM churn_phrases WHERE model_id = ?').get(modelId),
    );
    return row ? { phrases: JSON.parse(row.phrases) as string[], author: row.author, reason: row.reason, updatedAt: row.updated_at } : null;
  }

  async setChurnPhrases(modelId: string, phrases: readonly string[], change: ChangeInfo): Promise<void> {
    checkModelId(modelId);
    checkPhrases(phrases);
    checkChange(change);
    const list = [...phrases];
    await this.run('setChurnPhrases', (db) =>
      db
        .transaction(() => {
          const row = db.prepare<[string], PhraseRow>('SELECT * FROM churn_phrases WHERE model_id = ?').get(modelId);
          const old = row ? (JSON.parse(row.phrases) as string[]) : null;
          if (samePhrases(old, list)) return;
          const at = this.now().toISOString();
          db.prepare(
            `INSERT INTO churn_phrases (model_id, phrases, author, reason, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (model_id) DO UPDATE SET phrases = excluded.phrases, author = excluded.author,
               reason = excluded.reason, updated_at = excluded.updated_at`,
          ).run(modelId, JSON.stringify(list), change.author, change.reason, at);
          db.prepare(
            `INSERT INTO churn_phrase_audit (model_id, old_phrases, new_phrases, author, reason, at) VALUES (?, ?, ?, ?, ?, ?)`,
          ).run(modelId, row ? row.phrases : null, JSON.stringify(list), change.author, change.reason, at);
        })
        .immediate(),
    );
  }

  async churnPhraseAudit(modelId: string, options: { limit?: number } = {}): Promise<ChurnPhraseAuditEntry[]> {
    checkModelId(modelId);
    const limit = checkAuditLimit(options.limit);
    const rows = await this.run('churnPhraseAudit', (db) =>
      db
        .prepare<[string, number], PhraseAuditRow>('SELECT * FROM churn_phrase_audit WHERE model_id = ? ORDER BY id DESC LIMIT ?')
        .all(modelId, limit ?? -1),
    );
    return rows.map((r) => ({
      id: r.id,
      modelId: r.model_id,
      oldPhrases: r.old_phrases === null ? null : (JSON.parse(r.old_phrases) as string[]),
      newPhrases: JSON.parse(r.new_phrases) as string[],
      author: r.author,
      reason: r.reason,
      at: r.at,
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
    const rows = await this.run('audit', (db) =>
      db
        .prepare<[string, number], AuditRow>(
          'SELECT * FROM threshold_audit WHERE model_id = ? ORDER BY id DESC LIMIT ?',
        )
        .all(modelId, limit ?? -1),
    );
    return rows.map((r) => ({
      id: r.id,
      modelId: r.model_id,
      label: r.label,
      layer: r.layer,
      oldValue: r.old_value,
      newValue: r.new_value,
      author: r.author,
      reason: r.reason,
      at: r.at,
      ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
    }));
  }

  async ping(): Promise<void> {
    await this.run('ping', (db) => db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.db?.close();
    this.db = undefined;
  }

  /** Reads the old value, writes the new one and its audit row; the caller holds the write lock. */
  private apply(
    db: Database.Database,
    modelId: string,
    label: string,
    layer: ThresholdLayer,
    value: number | null,
    change: ChangeInfo,
    expiresAt: string | null = null,
  ): void {
    const now = this.now();
    let row = db
      .prepare<[string, string], LayerRow>('SELECT * FROM threshold_layers WHERE model_id = ? AND label = ?')
      .get(modelId, label);
    if (layer === 'override' && row && isExpired({ override: row.override, overrideExpiresAt: row.override_expires_at }, now)) {
      // The expired override's revert is recorded first, so the audit says it ended before this change.
      this.revert(db, modelId, row, now);
      row = { ...row, override: null, override_author: null, override_reason: null, override_expires_at: null };
    }
    const old = row?.[layer] ?? null;
    if (old === value && (layer === 'recommended' || (row?.override_expires_at ?? null) === expiresAt)) return;
    const at = now.toISOString();
    if (layer === 'recommended') {
      db.prepare(
        `INSERT INTO threshold_layers (model_id, label, recommended, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (model_id, label) DO UPDATE SET recommended = excluded.recommended, updated_at = excluded.updated_at`,
      ).run(modelId, label, value, at);
    } else {
      const author = value === null ? null : change.author;
      const reason = value === null ? null : change.reason;
      db.prepare(
        `INSERT INTO threshold_layers (model_id, label, override, override_author, override_reason, override_expires_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (model_id, label) DO UPDATE SET override = excluded.override,
           override_author = excluded.override_author, override_reason = excluded.override_reason,
           override_expires_at = excluded.override_expires_at, updated_at = excluded.updated_at`,
      ).run(modelId, label, value, author, reason, value === null ? null : expiresAt, at);
    }
    db.prepare(
      `INSERT INTO threshold_audit (model_id, label, layer, old_value, new_value, author, reason, at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(modelId, label, layer, old, value, change.author, change.reason, at, value === null ? null : expiresAt);
  }

  /** Clears an expired override and writes its audit row; the caller holds the write lock. */
  private revert(db: Database.Database, modelId: string, row: LayerRow, now: Date): ThresholdAuditEntry {
    const at = now.toISOString();
    const reason = expiryReason({
      overrideExpiresAt: row.override_expires_at,
      overrideAuthor: row.override_author,
      overrideReason: row.override_reason,
    });
    db.prepare(
      `UPDATE threshold_layers SET override = NULL, override_author = NULL, override_reason = NULL,
         override_expires_at = NULL, updated_at = ? WHERE model_id = ? AND label = ?`,
    ).run(at, modelId, row.label);
    const { lastInsertRowid } = db
      .prepare(
        `INSERT INTO threshold_audit (model_id, label, layer, old_value, new_value, author, reason, at)
         VALUES (?, ?, 'override', ?, NULL, ?, ?, ?)`,
      )
      .run(modelId, row.label, row.override, EXPIRY_AUTHOR, reason, at);
    return {
      id: Number(lastInsertRowid),
      modelId,
      label: row.label,
      layer: 'override',
      oldValue: row.override,
      newValue: null,
      author: EXPIRY_AUTHOR,
      reason,
      at,
    };
  }

  private async rows(modelId: string): Promise<StoredLayers[]> {
    const rows = await this.run('read', (db) =>
      db.prepare<[string], LayerRow>('SELECT * FROM threshold_layers WHERE model_id = ?').all(modelId),
    );
    return liveLayers(
      byLabel(
        rows.map((r) => ({
          label: r.label,
          recommended: r.recommended,
          override: r.override,
          overrideAuthor: r.override_author,
          overrideReason: r.override_reason,
          overrideExpiresAt: r.override_expires_at ?? null,
          updatedAt: r.updated_at,
        })),
      ),
      this.now(),
    );
  }

  private async run<T>(operation: string, body: (db: Database.Database) => T): Promise<T> {
    const giveUpAt = performance.now() + this.options.busyTimeoutMs;
    for (;;) {
      try {
        return body(this.open());
      } catch (error) {
        if (isBusy(error) && performance.now() < giveUpAt) {
          await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
          continue;
        }
        throw storeFailure(`sqlite (${this.options.path})`, operation, error);
      }
    }
  }

  private open(): Database.Database {
    if (this.closed) throw new MangaAssistError('STORE_UNAVAILABLE', `sqlite threshold store ${this.options.path} is closed`);
    if (this.db) return this.db;
    const { path, busyTimeoutMs } = this.options;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    // The driver is loaded here, when a store opens its database, so importing the package loads no driver.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Sqlite = require('better-sqlite3') as typeof Database;
    const db = new Sqlite(path, { timeout: Math.min(busyTimeoutMs, LOCK_ATTEMPT_MS) });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      for (const [table, column, type] of ADDED_COLUMNS) {
        const columns = db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all();
        if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      }
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
    return db;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * `sqlite`: the embedded default store, a single file (better-sqlite3, WAL).
 *
 * @example
 * ```ts
 * const store = createThresholdStoreRegistry().create('sqlite', { path: 'runs/thresholds.db' }, {});
 * ```
 */
export const sqliteStore: PluginDescriptor<SqliteStoreOptions, ThresholdStoreDeps, ThresholdStore> = {
  id: 'sqlite',
  description: 'Embedded SQLite file (WAL); the default store. Options: path.',
  optionsSchema,
  create: (options, deps) => new SqliteThresholdStore(options, deps.now ?? (() => new Date())),
};
