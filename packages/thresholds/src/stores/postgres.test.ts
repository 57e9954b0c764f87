import { isMangaAssistError } from '@mangaassist/common';
import { Client } from 'pg';
import { createThresholdStoreRegistry } from '../store-registry';
import { PG_URL_ENV, runScope, serviceUrl } from '../__tests__/service-env';
import { describeThresholdStoreContract } from '../__tests__/store-contract';

const registry = createThresholdStoreRegistry();
const url = serviceUrl(PG_URL_ENV, 'PostgreSQL threshold store');
const schema = runScope();

if (url) {
  afterAll(async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  describeThresholdStoreContract('postgres', () => ({
    open: (deps = {}) => registry.create('postgres', { url, schema }, deps),
  }));

  describe('postgres threshold store', () => {
    it('refuses to rewrite the audit trail, also for other clients of the database', async () => {
      const store = registry.create('postgres', { url, schema }, {});
      await store.setOverride('append-only', 'frustration', 0.3, { author: 'ops', reason: 'test' });
      await store.close();
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await expect(client.query(`UPDATE "${schema}".threshold_audit SET new_value = 0.9`)).rejects.toThrow('append-only');
        await expect(client.query(`DELETE FROM "${schema}".threshold_audit`)).rejects.toThrow('append-only');
      } finally {
        await client.end();
      }
    });

    it('adds the expiry columns to tables created before temporary overrides, keeping their rows', async () => {
      const older = runScope();
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA "${older}"`);
        await client.query(`CREATE TABLE "${older}".threshold_layers (model_id text NOT NULL, label text NOT NULL,
          recommended double precision, override double precision, override_author text, override_reason text,
          updated_at timestamptz NOT NULL, PRIMARY KEY (model_id, label))`);
        await client.query(`CREATE TABLE "${older}".threshold_audit (id bigserial PRIMARY KEY, model_id text NOT NULL,
          label text NOT NULL, layer text NOT NULL, old_value double precision, new_value double precision,
          author text NOT NULL, reason text NOT NULL, at timestamptz NOT NULL)`);
        await client.query(`INSERT INTO "${older}".threshold_layers (model_id, label, recommended, updated_at) VALUES ('m', 'urgency', 0.6, now())`);
        const store = registry.create('postgres', { url, schema: older }, {});
        try {
          expect(await store.getEffective('m')).toEqual({ urgency: 0.6 });
          await store.setOverride('m', 'urgency', 0.3, { author: 'ops', reason: 'test' }, { expiresAt: new Date(Date.now() + 60_000) });
          expect((await store.list('m'))[0]).toMatchObject({ override: 0.3, overrideExpiresAt: expect.any(String) });
        } finally {
          await store.close();
        }
      } finally {
        await client.query(`DROP SCHEMA IF EXISTS "${older}" CASCADE`);
        await client.end();
      }
    });

    it('creates its tables once when two instances start at the same time in a new schema', async () => {
      const fresh = runScope();
      const stores = [0, 1, 2].map(() => registry.create('postgres', { url, schema: fresh }, {}));
      try {
        await Promise.all(stores.map((s, i) => s.setOverride('m', 'neutral', 0.1 + i * 0.1, { author: 'a', reason: 'r' })));
        expect(await stores[0]!.audit('m')).toHaveLength(3);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        const client = new Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
        await client.end();
      }
    });
  });
} else {
  describe.skip(`postgres threshold store (set ${PG_URL_ENV} to run)`, () => {
    it('runs against a real server', () => undefined);
  });
}

describe('postgres threshold store without a server', () => {
  it('reports STORE_UNAVAILABLE without the password in the message', async () => {
    const store = registry.create('postgres', { url: 'postgres://app:secret@127.0.0.1:1/none', connectTimeoutMs: 500 }, {});
    const error = await store.getEffective('m').catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/^postgres \(postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/none\) threshold store: read failed/);
    expect((error as Error).message).not.toContain('secret');
    await store.close();
  });

  it('rejects an invalid schema name', () => {
    expect(() => registry.create('postgres', { url: 'postgres://x/y', schema: 'Robert"; DROP' }, {})).toThrow(/schema/);
  });
});
