// Two processes sharing one postgres or redis store, played by two store instances (two connection pools, two
// subscriptions): a change written through one reaches the other's cache long before the TTL, also after its
// subscription connection was killed.
import Redis from 'ioredis';
import { Client } from 'pg';
import { CachedThresholdStore } from '../cached-store';
import { createThresholdStoreRegistry } from '../store-registry';
import { PG_URL_ENV, REDIS_URL_ENV, runScope, serviceUrl } from '../__tests__/service-env';
import type { ThresholdMap } from '../threshold-store';

const registry = createThresholdStoreRegistry();
const pgUrl = serviceUrl(PG_URL_ENV, 'PostgreSQL change propagation');
const redisUrl = serviceUrl(REDIS_URL_ENV, 'Redis change propagation');
const change = { author: 'ops', reason: 'propagation test' };
// Far beyond the test's runtime: a value seen here came through a change notice, not an expired cache entry.
const ttlMs = 600_000;

/** Polls `read` until it returns `expected`; the elapsed ms, or a failure naming the last value after `limitMs`. */
async function timeUntil(read: () => Promise<ThresholdMap>, expected: ThresholdMap, limitMs = 5000): Promise<number> {
  const start = Date.now();
  let last: ThresholdMap = {};
  while (Date.now() - start < limitMs) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`still ${JSON.stringify(last)} after ${limitMs} ms, expected ${JSON.stringify(expected)}`);
}

interface Backend {
  open(): CachedThresholdStore;
  /** Changes a value behind the store's back: no change notice is sent. */
  writeSilently(modelId: string, label: string, value: number): Promise<void>;
  /** Kills the server side of every subscription connection. */
  killSubscriptions(): Promise<void>;
  cleanUp(): Promise<void>;
}

function describePropagation(name: string, backend: () => Backend): void {
  describe(`${name} change propagation`, () => {
    let b: Backend;
    const open: CachedThresholdStore[] = [];
    const store = () => {
      const s = b.open();
      open.push(s);
      return s;
    };
    beforeAll(() => {
      b = backend();
    });
    afterAll(async () => {
      await Promise.all(open.map((s) => s.close()));
      await b.cleanUp();
    });

    it('shows an override written through one instance in the other without waiting for the TTL', async () => {
      const writer = store();
      const reader = store();
      await writer.setRecommended('prop', { frustration: 0.4, praise: 0.6 }, change);
      expect(await timeUntil(() => reader.getEffective('prop'), { frustration: 0.4, praise: 0.6 })).toBeGreaterThanOrEqual(0);
      await writer.setOverride('prop', 'frustration', 0.25, change);
      const ms = await timeUntil(() => reader.getEffective('prop'), { frustration: 0.25, praise: 0.6 });
      // Without the notice the reader would keep 0.4 for ttlMs (10 minutes); the poll gives up after 5 s.
      console.info(`${name}: override seen by the other instance after ${ms} ms`);
      await writer.setOverride('prop', 'frustration', null, change);
      await timeUntil(() => reader.getEffective('prop'), { frustration: 0.4, praise: 0.6 });
    });

    it('brings a churn phrase change and an override revert to the other instance without waiting for the TTL', async () => {
      const writer = store();
      const reader = store();
      expect(await reader.getChurnPhrases('phrases')).toBeNull();
      await writer.setChurnPhrases('phrases', ['cancel', 'refund now'], change);
      await timeUntil(async () => ({ count: (await reader.getChurnPhrases('phrases'))?.phrases.length ?? 0 }), { count: 2 });
      expect((await reader.getChurnPhrases('phrases'))?.phrases).toEqual(['cancel', 'refund now']);

      await writer.setRecommended('expiry', { frustration: 0.35 }, change);
      await writer.setOverride('expiry', 'frustration', 0.3, change, { expiresAt: new Date(Date.now() + 300) });
      await timeUntil(() => reader.getEffective('expiry'), { frustration: 0.3 });
      await new Promise((resolve) => setTimeout(resolve, 350));
      // Both try to revert; the reader's cache learns of the revert from the notice whichever of them did it.
      const reverted = [...(await writer.expireOverrides('expiry')), ...(await reader.expireOverrides('expiry'))];
      expect(reverted).toHaveLength(1);
      await timeUntil(() => reader.getEffective('expiry'), { frustration: 0.35 });
    });

    it('re-reads once after its subscription was dropped, catching changes whose notice was lost', async () => {
      const writer = store();
      const reader = store();
      await writer.setRecommended('resync', { neutral: 0.5 }, change);
      await timeUntil(() => reader.getEffective('resync'), { neutral: 0.5 });
      // A notice arriving proves the reader's subscription is up (and its start-up resync done).
      await writer.setRecommended('resync', { neutral: 0.5, praise: 0.5 }, change);
      await timeUntil(() => reader.getEffective('resync'), { neutral: 0.5, praise: 0.5 });
      // No notice goes out for this change; only the resync after the reconnect can bring it.
      await b.writeSilently('resync', 'neutral', 0.7);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await reader.getEffective('resync')).toEqual({ neutral: 0.5, praise: 0.5 });
      await b.killSubscriptions();
      await timeUntil(() => reader.getEffective('resync'), { neutral: 0.7, praise: 0.5 });
      // And notices flow again over the new subscription.
      await writer.setOverride('resync', 'neutral', 0.2, change);
      await timeUntil(() => reader.getEffective('resync'), { neutral: 0.2, praise: 0.5 });
    });
  });
}

if (pgUrl) {
  const schema = runScope();
  describePropagation('postgres', () => {
    const admin = async <T>(body: (client: Client) => Promise<T>): Promise<T> => {
      const client = new Client({ connectionString: pgUrl });
      await client.connect();
      try {
        return await body(client);
      } finally {
        await client.end();
      }
    };
    return {
      open: () => new CachedThresholdStore(registry.create('postgres', { url: pgUrl, schema }, {}), { ttlMs }),
      writeSilently: (modelId, label, value) =>
        admin(async (client) => {
          await client.query(`UPDATE "${schema}".threshold_layers SET recommended = $3 WHERE model_id = $1 AND label = $2`, [
            modelId,
            label,
            value,
          ]);
        }),
      killSubscriptions: () =>
        admin(async (client) => {
          const killed = await client.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN "mangaassist_thresholds_${schema}"%'`,
          );
          expect(killed.rowCount).toBeGreaterThan(0);
        }),
      cleanUp: () => admin((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => undefined)),
    };
  });
}

if (redisUrl) {
  const keyPrefix = `${runScope()}:`;
  describePropagation('redis', () => {
    const client = new Redis(redisUrl);
    return {
      open: () => new CachedThresholdStore(registry.create('redis', { url: redisUrl, keyPrefix }, {}), { ttlMs }),
      writeSilently: async (modelId, label, value) => {
        await client.hset(`${keyPrefix}layers:${modelId}`, `${label}|recommended`, String(value));
      },
      killSubscriptions: async () => {
        const killed = await client.client('KILL', 'TYPE', 'pubsub');
        expect(Number(killed)).toBeGreaterThan(0);
      },
      cleanUp: async () => {
        const keys = await client.keys(`${keyPrefix}*`);
        if (keys.length > 0) await client.del(...keys);
        await client.quit();
      },
    };
  });
}

if (!pgUrl && !redisUrl) {
  it('needs PostgreSQL or Redis (skipped, see the note above)', () => undefined);
}
