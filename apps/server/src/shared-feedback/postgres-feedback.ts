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
 * A change whose insert committed after a later-numbered one would be skipped by a reader that already moved past
 * it; each read goes back this many change numbers (reapplying a verdict changes nothing).
 */
const CHANGE_OVERLAP = 64;

/**
 * Feedback and the escalations it refers to in PostgreSQL tables (`escalations`, `verdicts`) next to the threshold
 * tables, so that every replica finds an escalation issued by any other and the feedback report sees all verdicts.
 * `verdicts` has one row per escalation and agent (an upsert replaces an older verdict); its `changed` column,
 * numbered from a sequence on every insert or replacement, is what replicas read to keep their reports up to date.
 * Records are stored as `jsonb` and validated when read back. A `feedback` table of an earlier version (every
 * verdict appended) is folded into `verdicts` once, latest per escalation and agent, and renamed
 * `feedback_before_verdicts`.
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
    this.feedback = `"${options.schema}".verdicts`;
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
      this.pool.query(
        `INSERT INTO ${this.feedback} AS v (escalation_id, agent_key, record) VALUES ($1, $2, $3)
         ON CONFLICT (escalation_id, agent_key) DO UPDATE SET record = EXCLUDED.record, changed = EXCLUDED.changed
         WHERE v.record->>'at' <= EXCLUDED.record->>'at'`,
        [checked.escalation.escalationId, agentKey(checked.agent), checked],
      ),
    );
  }

  async readAll(): Promise<FeedbackRecord[]> {
    const result = await this.query('read feedback', () =>
      this.pool.query<{ record: unknown }>(`SELECT record FROM ${this.feedback} ORDER BY changed`),
    );
    return result.rows.map((row) => feedbackRecordSchema.parse(row.record));
  }

  async changesSince(cursor: string | undefined, limit: number): Promise<{ records: FeedbackRecord[]; cursor: string | undefined }> {
    const after = cursor === undefined ? -1 : Math.max(-1, Number(cursor) - CHANGE_OVERLAP);
    const result = await this.query('read feedback changes', () =>
      this.pool.query<{ changed: string; record: unknown }>(
        `SELECT changed, record FROM ${this.feedback} WHERE changed > $1 ORDER BY changed LIMIT $2`,
        [after, limit + (cursor === undefined ? 0 : CHANGE_OVERLAP)],
      ),
    );
    const fresh = result.rows.filter((row) => cursor === undefined || Number(row.changed) > Number(cursor));
    return {
      // The overlap is reapplied (idempotent) so that a late commit within it is not missed.
      records: result.rows.map((row) => feedbackRecordSchema.parse(row.record)),
      cursor: fresh.length > 0 ? (fresh[fresh.length - 1] as { changed: string }).changed : cursor,
    };
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
      const schema = `"${this.options.schema}"`;
      await client.query(`CREATE SEQUENCE IF NOT EXISTS ${schema}.verdict_changes`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.feedback} (
          escalation_id text NOT NULL,
          agent_key text NOT NULL,
          changed bigint NOT NULL UNIQUE DEFAULT nextval('${schema}.verdict_changes'),
          record jsonb NOT NULL,
          PRIMARY KEY (escalation_id, agent_key)
        )`);
      const legacy = await client.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [`${schema}.feedback`]);
      if (legacy.rows[0]?.present) {
        // Every verdict of the earlier append-only table, latest per escalation and agent (ties: the later row).
        await client.query(`
          INSERT INTO ${this.feedback} (escalation_id, agent_key, record)
          SELECT DISTINCT ON (record->'escalation'->>'escalationId', coalesce(record->>'agent', ''))
                 record->'escalation'->>'escalationId', coalesce(record->>'agent', ''), record
            FROM ${schema}.feedback
           ORDER BY record->'escalation'->>'escalationId', coalesce(record->>'agent', ''), record->>'at' DESC, seq DESC
          ON CONFLICT DO NOTHING`);
        await client.query(`ALTER TABLE ${schema}.feedback RENAME TO feedback_before_verdicts`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** The agent part of a verdict's key: verdicts without an agent share the empty name. */
function agentKey(agent: string | null): string {
  return agent ?? '';
}
