import { isMangaAssistError } from '@mangaassist/common';
import Redis from 'ioredis';
import { createThresholdStoreRegistry } from '../store-registry';
import { REDIS_URL_ENV, runScope, serviceUrl } from '../__tests__/service-env';
import { describeThresholdStoreContract } from '../__tests__/store-contract';

const registry = createThresholdStoreRegistry();
const url = serviceUrl(REDIS_URL_ENV, 'Redis threshold store');
const keyPrefix = `${runScope()}:`;

if (url) {
  afterAll(async () => {
    const client = new Redis(url);
    const keys = await client.keys(`${keyPrefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });

  describeThresholdStoreContract('redis', () => ({
    open: (deps = {}) => registry.create('redis', { url, keyPrefix }, deps),
  }));

  describe('redis threshold store', () => {
    it('keeps every key under its prefix', async () => {
      const prefix = `${runScope()}:`;
      const store = registry.create('redis', { url, keyPrefix: prefix }, {});
      await store.setOverride('m', 'frustration', 0.3, { author: 'ops', reason: 'test' });
      await store.close();
      const client = new Redis(url);
      try {
        const keys = (await client.keys(`${prefix}*`)).sort();
        expect(keys).toEqual([`${prefix}audit-seq`, `${prefix}audit:m`, `${prefix}layers:m`]);
        await client.del(...keys);
      } finally {
        await client.quit();
      }
    });

    it('refuses to read a stored value that is not a threshold (edited by hand), naming it', async () => {
      const prefix = `${runScope()}:corrupt:`;
      const store = registry.create('redis', { url, keyPrefix: prefix }, {});
      await store.setRecommended('m', { frustration: 0.4, urgency: 0.5 }, { author: 'calibrate', reason: 'test' });
      const client = new Redis(url);
      try {
        await client.hset(`${prefix}layers:m`, 'frustration|recommended', 'abc');
        const error = await store.getEffective('m').catch((e: unknown) => e);
        expect(isMangaAssistError(error, 'DATA_INVALID')).toBe(true);
        expect((error as Error).message).toMatch(/NaN as the recommended threshold of m\/frustration/);
        // An override replaces it, and reads work again.
        await store.setOverride('m', 'frustration', 0.35, { author: 'ops', reason: 'repair' });
        expect(await store.getEffective('m')).toEqual({ frustration: 0.35, urgency: 0.5 });
        await client.del(...(await client.keys(`${prefix}*`)));
      } finally {
        await client.quit();
        await store.close();
      }
    });
  });
} else {
  describe.skip(`redis threshold store (set ${REDIS_URL_ENV} to run)`, () => {
    it('runs against a real server', () => undefined);
  });
}

describe('redis threshold store without a server', () => {
  it('reports STORE_UNAVAILABLE instead of queueing commands forever', async () => {
    const store = registry.create('redis', { url: 'redis://127.0.0.1:1/0', commandTimeoutMs: 500 }, {});
    const error = await store.getEffective('m').catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('redis (redis://127.0.0.1:1/0) threshold store: read failed');
    await store.close();
  });
});
