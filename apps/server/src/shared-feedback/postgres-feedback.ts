import { MangaAssistError } from '@mangaassist/common';
import { escalationSnapshotSchema, feedbackRecordSchema, type EscalationSnapshot, type FeedbackRecord } from '@mangaassist/serving';
import type { Pool } from 'pg';
import type { SharedFeedbackStore } from './shared-feedback-store';

/** Connection settings of {@link PostgresFeedbackStore}: those of the `postgres` threshold store. */
export interface PostgresFeedbackOptions {
  readonly url: string;
  /** Schema holding the tables (created when missing); the threshold store's. */
  readonly schema: string;
  /** How many escalations are kept for feedback to refer to (older ones are deleted). */
  readonly recentEscalations: number;
  readonly connectTimeoutMs?: number;
  /**
   * Escalations past the capacity are deleted every this many inserts (default 256) rather than on each one, which
   * would cost a scan each time: up to this many more are kept meanwhile.
   */
  readonly pruneEvery?: number;
}

/**
 * Feedback and the escalations it refers to in PostgreSQL tables (`escalations`, `feedback`) next to the threshold
 * tables, so that every replica finds an escalation issued by any other and the feedback report sees all verdicts.
 * Records are stored as `jsonb` and validated when read back.
 */
export class PostgresFeedbackStore implements SharedFeedbackStore {
  private readonly pool: Pool;
  private ready: Promise<void> | undefined;
  private readonly escalations: string;
  private readonly feedback: string;
  private inserts = 0;

  constructor(private readonly options: PostgresFeedbackOptions) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool: PgPool } = require('pg') as typeof import('pg');
    this.pool = new PgPool({ connectionString: options.url, max: 4, connectionTimeoutMillis: options.connectTimeoutMs ?? 3000 });
    // An idle client losing its server emits here; without a listener node would crash the process.
    this.pool.on('error', () => undefined);
    this.escalations = `"${options.schema}".escalations`;
    this.feedback = `"${options.schema}".feedback`;
  }

  async remember(snapshot: EscalationSnapshot): Promise<void> {
    await this.query('remember escalation', async () => {
      await this.pool.query(`INSERT INTO ${this.escalations} (escalation_id, snapshot) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        snapshot.escalationId,
        snapshot,
      ]);
      this.inserts += 1;
      if (this.inserts % (this.options.pruneEvery ?? 256) === 0) {
        await this.pool.query(`DELETE FROM ${this.escalations} WHERE seq <= (SELECT max(seq) FROM ${this.escalations}) - $1`, [
          this.options.recentEscalations,
        ]);
      }
    });
  }

  async get(escalationId: string): Promise<EscalationSnapshot | undefined> {
    const result = await this.query('read escalation', () =>
      this.pool.query<{ snapshot: unknown }>(`SELECT snapshot FROM ${this.escalations} WHERE escalation_id = $1`, [escalationId]),
    );
    const row = result.rows[0];
    return row ? escalationSnapshotSchema.parse(row.snapshot) : undefined;
  }

  async append(record: FeedbackRecord): Promise<void> {
    const checked = feedbackRecordSchema.parse(record);
    await this.query('append feedback', () =>
      this.pool.query(`INSERT INTO ${this.feedback} (feedback_id, record) VALUES ($1, $2)`, [checked.feedbackId, checked]),
    );
  }

  async readAll(): Promise<FeedbackRecord[]> {
    const result = await this.query('read feedback', () =>
      this.pool.query<{ record: unknown }>(`SELECT record FROM ${this.feedback} ORDER BY seq`),
    );
    return result.rows.map((row) => feedbackRecordSchema.parse(row.record));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query<T>(operation: string, body: () => Promise<T>): Promise<T> {
    try {
      await this.init();
      return await body();
    } catch (error) {
      throw new MangaAssistError(
        'STORE_UNAVAILABLE',
        `postgres feedback store (schema ${this.options.schema}): ${operation} failed: ${(error as Error).message}`,
        { operation },
        { cause: error },
      );
    }
  }

  private init(): Promise<void> {
    this.ready ??= this.createTables().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async createTables(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Replicas starting together would race on the catalog; serialise them.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mangaassist-feedback:${this.options.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.options.schema}"`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.escalations} (
          seq bigserial UNIQUE,
          escalation_id text PRIMARY KEY,
          snapshot jsonb NOT NULL
        )`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.feedback} (
          seq bigserial PRIMARY KEY,
          feedback_id text NOT NULL UNIQUE,
          record jsonb NOT NULL
        )`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
