import { isMangaAssistError } from '@mangaassist/common';
import { FeedbackReportState, proposeThresholdsFromFeedback, type EscalationSnapshot, type FeedbackRecord } from '@mangaassist/serving';
import Redis from 'ioredis';
import { Client } from 'pg';
import { FeedbackVerdicts } from '../feedback-verdicts';
import { RecentEscalations } from '../recent-escalations';
import { PostgresFeedbackStore } from './postgres-feedback';
import { RedisFeedbackStore } from './redis-feedback';
import { SharedEscalations, type SharedFeedbackStore } from './shared-feedback-store';

// Two replicas are two store instances on the same PostgreSQL schema or Redis key prefix.
const PG_URL = process.env['MANGAASSIST_TEST_PG_URL'];
const REDIS_URL = process.env['MANGAASSIST_TEST_REDIS_URL'];
const scope = `fb${process.pid}_${Date.now().toString(36)}`;

const snapshot = (id: string): EscalationSnapshot => ({
  escalationId: id,
  at: '2026-12-05T06:00:00.000Z',
  modelId: 'manga-v1',
  scores: { frustration: 0.62, churn_risk: 0.1 },
  thresholds: { frustration: 0.5, churn_risk: 0.45 },
  active: ['frustration'],
  rule: 'frustration',
  priority: 'normal',
});
const verdict = (id: string, escalationId: string, correct: boolean, agent: string | null = 'agent-7', at = '2026-12-05T06:01:00.000Z'): FeedbackRecord => ({
  feedbackId: id,
  at,
  correct,
  agent,
  note: null,
  escalation: snapshot(escalationId),
});

function describeShared(name: string, open: (recentEscalations: number) => SharedFeedbackStore, cleanUp: () => Promise<void>): void {
  describe(`${name} shared feedback`, () => {
    const opened: SharedFeedbackStore[] = [];
    const replica = (recentEscalations = 100) => {
      const store = open(recentEscalations);
      opened.push(store);
      return store;
    };
    afterAll(async () => {
      await Promise.all(opened.map((s) => s.close()));
      await cleanUp();
    });

    it('finds an escalation remembered by another replica, and its feedback', async () => {
      const a = new SharedEscalations(new RecentEscalations(100), replica());
      const bStore = replica();
      const b = new SharedEscalations(new RecentEscalations(100), bStore);
      await a.remember(snapshot('e-1'));
      expect(await b.get('e-1')).toEqual(snapshot('e-1'));
      expect(await b.get('e-never')).toBeUndefined();
      await bStore.append(verdict('f-1', 'e-1', false));
      await bStore.append(verdict('f-2', 'e-1', true));
      // The same agent's second verdict replaces the first.
      expect(await opened[0]!.readAll()).toEqual([verdict('f-2', 'e-1', true)]);
    });

    it('forgets the oldest escalations past the capacity', async () => {
      const store = replica(3);
      for (let i = 0; i < 8; i++) await store.remember(snapshot(`cap-${i}`));
      expect(await store.get('cap-0')).toBeUndefined();
      expect(await store.get('cap-7')).toEqual(snapshot('cap-7'));
    });

    it('keeps one verdict per escalation and agent: newer replaces, older is ignored, other agents count on their own', async () => {
      const store = replica();
      await store.append(verdict('r-1', 'r-e', false, 'aiko', '2026-12-05T06:01:00.000Z'));
      await store.append(verdict('r-2', 'r-e', false, 'sam', '2026-12-05T06:01:01.000Z'));
      await store.append(verdict('r-3', 'r-e', true, 'aiko', '2026-12-05T06:01:02.000Z'));
      await store.append(verdict('r-0', 'r-e', false, 'aiko', '2026-12-05T06:00:59.000Z')); // late and older
      await store.append(verdict('r-4', 'r-e', true, null, '2026-12-05T06:01:03.000Z'));
      const ofE = (await store.readAll()).filter((r) => r.escalation.escalationId === 'r-e');
      expect(ofE.map((r) => r.feedbackId).sort()).toEqual(['r-2', 'r-3', 'r-4']);
    });

    it("keeps every replica's running report, caught up from the change feed, equal to the report from scratch", async () => {
      const a = replica();
      const b = replica();
      const onB = new FeedbackVerdicts(b, b);
      await onB.start();
      const agents = ['aiko', 'sam', 'kim'];
      for (let i = 0; i < 60; i++) {
        const at = new Date(Date.UTC(2026, 11, 5, 7, 0, i)).toISOString();
        const record: FeedbackRecord = { ...verdict(`c-${i}`, `c-e${i % 11}`, i % 3 !== 0, agents[i % 3] ?? null, at) };
        record.escalation.scores = { frustration: 0.5 + (i % 11) * 0.04, churn_risk: 0.1 };
        await (i % 2 === 0 ? a : b).append(record);
      }
      const options = { minSamples: 3, modelId: 'manga-v1', labels: ['frustration'] };
      const scratch = proposeThresholdsFromFeedback((await a.readAll()).filter((r) => r.escalation.escalationId.startsWith('c-')), options);
      // A fresh replica rebuilds from the changes; b catches up with a's. Both see only this test's verdicts and
      // earlier tests' ones: compare the c- verdicts by filtering through a store of their own.
      const fresh = new FeedbackVerdicts(a, a);
      for (const v of [onB, fresh]) {
        await v.report(options);
        const only = new FeedbackReportState();
        for (const r of (await a.readAll()).filter((x) => x.escalation.escalationId.startsWith('c-'))) {
          expect(v.verdictOf(r.escalation.escalationId, r.agent)).toEqual(r);
          only.apply(r);
        }
        expect(only.report(options)).toEqual(scratch);
      }
      expect(scratch.verdicts).toBe(33); // 11 escalations x 3 agents, the rest replaced
      expect((await onB.report(options)).verdicts).toBe((await a.readAll()).length);
    });

    it('refuses a record that is not feedback, before writing it', async () => {
      const store = replica();
      const bad = { ...verdict('f-bad', 'e-1', true), correct: 'yes' } as unknown as FeedbackRecord;
      await expect(store.append(bad)).rejects.toThrow(/correct/);
    });
  });
}

describe('SharedEscalations', () => {
  it('keeps its own escalations findable while the shared store is down, and says that the write failed', async () => {
    const down = new Error('connection refused');
    const store: SharedFeedbackStore = {
      remember: () => Promise.reject(down),
      get: () => Promise.reject(down),
      append: () => Promise.reject(down),
      readAll: () => Promise.reject(down),
      changesSince: () => Promise.reject(down),
      close: async () => undefined,
    };
    const escalations = new SharedEscalations(new RecentEscalations(10), store);
    await expect(escalations.remember(snapshot('own'))).rejects.toBe(down);
    expect(await escalations.get('own')).toEqual(snapshot('own'));
    // Another replica's escalation can only come from the store: its failure is the caller's to report.
    await expect(escalations.get('other')).rejects.toBe(down);
  });
});

if (PG_URL) {
  describeShared(
    'postgres',
    (recentEscalations) => new PostgresFeedbackStore({ url: PG_URL, schema: scope, recentEscalations, pruneEvery: 4 }),
    async () => {
      const client = new Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${scope}" CASCADE`);
      await client.end();
    },
  );
  it('postgres: folds the append-only feedback table of an earlier version into verdicts, once', async () => {
    const legacy = `${scope}_legacy`;
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA "${legacy}"`);
      await client.query(`CREATE TABLE "${legacy}".feedback (seq bigserial PRIMARY KEY, feedback_id text NOT NULL UNIQUE, record jsonb NOT NULL)`);
      for (const r of [verdict('l-1', 'l-e', false), verdict('l-2', 'l-e', true), verdict('l-3', 'l-e', true, 'sam')]) {
        await client.query(`INSERT INTO "${legacy}".feedback (feedback_id, record) VALUES ($1, $2)`, [r.feedbackId, r]);
      }
      const store = new PostgresFeedbackStore({ url: PG_URL, schema: legacy, recentEscalations: 10 });
      // Same `at` for l-1 and l-2: the later row wins.
      expect((await store.readAll()).map((r) => r.feedbackId).sort()).toEqual(['l-2', 'l-3']);
      await store.close();
      const renamed = await client.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`"${legacy}".feedback_before_verdicts`]);
      expect(renamed.rows[0].present).toBe(true);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${legacy}" CASCADE`);
      await client.end();
    }
  });

  it('postgres: reports an unreachable server as STORE_UNAVAILABLE', async () => {
    const store = new PostgresFeedbackStore({ url: 'postgres://x:y@127.0.0.1:1/none', schema: scope, recentEscalations: 10, connectTimeoutMs: 500 });
    const error = await store.get('e-1').catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'STORE_UNAVAILABLE')).toBe(true);
    await store.close();
  });
}

if (REDIS_URL) {
  describeShared(
    'redis',
    (recentEscalations) => new RedisFeedbackStore({ url: REDIS_URL, keyPrefix: `${scope}:`, recentEscalations }),
    async () => {
      const client = new Redis(REDIS_URL);
      const keys = await client.keys(`${scope}:*`);
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    },
  );
}

if (REDIS_URL) {
  it('redis: folds the feedback stream of an earlier version into the verdicts hash', async () => {
    const prefix = `${scope}-legacy:`;
    const client = new Redis(REDIS_URL);
    try {
      for (const r of [verdict('l-1', 'l-e', false), verdict('l-2', 'l-e', true), verdict('l-3', 'l-e', true, 'sam')]) {
        await client.xadd(`${prefix}feedback`, '*', 'record', JSON.stringify(r));
      }
      const store = new RedisFeedbackStore({ url: REDIS_URL, keyPrefix: prefix, recentEscalations: 10 });
      expect((await store.readAll()).map((r) => r.feedbackId).sort()).toEqual(['l-2', 'l-3']);
      // The stream stays the change log: a replica rebuilding from it ends in the same verdicts.
      const rebuilt = new FeedbackVerdicts(store, store);
      await rebuilt.start();
      expect(rebuilt.state.size).toBe(2);
      await store.close();
    } finally {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    }
  });
}

if (!PG_URL && !REDIS_URL) {
  console.warn('skipped: shared feedback tests need MANGAASSIST_TEST_PG_URL or MANGAASSIST_TEST_REDIS_URL (start the servers with: eval "$(bash tools/ci/start-services.sh)")');
}
