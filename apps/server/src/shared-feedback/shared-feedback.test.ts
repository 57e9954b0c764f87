import { isMangaAssistError } from '@mangaassist/common';
import type { EscalationSnapshot, FeedbackRecord } from '@mangaassist/serving';
import Redis from 'ioredis';
import { Client } from 'pg';
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
const verdict = (id: string, escalationId: string, correct: boolean): FeedbackRecord => ({
  feedbackId: id,
  at: '2026-12-05T06:01:00.000Z',
  correct,
  agent: 'agent-7',
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
      expect(await opened[0]!.readAll()).toEqual([verdict('f-1', 'e-1', false), verdict('f-2', 'e-1', true)]);
    });

    it('forgets the oldest escalations past the capacity', async () => {
      const store = replica(3);
      for (let i = 0; i < 8; i++) await store.remember(snapshot(`cap-${i}`));
      expect(await store.get('cap-0')).toBeUndefined();
      expect(await store.get('cap-7')).toEqual(snapshot('cap-7'));
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

if (!PG_URL && !REDIS_URL) {
  console.warn('skipped: shared feedback tests need MANGAASSIST_TEST_PG_URL or MANGAASSIST_TEST_REDIS_URL (start the servers with: eval "$(bash tools/ci/start-services.sh)")');
}
