import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const register = join(__dirname, '..', '..', '..', 'tools', 'jest', 'register-ts.cjs');
const DRIVERS = ['better-sqlite3', 'ioredis', 'pg'] as const;

/** Runs `body` in a fresh Node process that has imported the package, and returns which drivers it loaded. */
function driversLoadedAfter(body: string): Record<(typeof DRIVERS)[number], boolean> {
  const script = `
    const thresholds = require('@mangaassist/thresholds');
    const loaded = () => {
      const files = Object.keys(require.cache);
      return Object.fromEntries(${JSON.stringify(DRIVERS)}.map((id) => [id, files.some((f) => f.includes('/node_modules/' + id + '/'))]));
    };
    (async () => { ${body} })().then(
      (result) => console.log(JSON.stringify(result)),
      (error) => { console.error(error); process.exit(1); },
    );`;
  return JSON.parse(execFileSync(process.execPath, ['-r', register, '-e', script], { encoding: 'utf8', cwd: __dirname, timeout: 60_000 }));
}

// Everything that serves imports this package; each store's driver is loaded only when that store is used.
describe('store drivers load lazily', () => {
  it('importing the package loads no driver', () => {
    expect(driversLoadedAfter('return loaded();')).toEqual({ 'better-sqlite3': false, ioredis: false, pg: false });
  });

  it('creating and using a sqlite store loads better-sqlite3 only', () => {
    const body = `
      const store = thresholds.createThresholdStoreRegistry().create('sqlite', { path: ':memory:' }, {});
      await store.setRecommended('m', { frustration: 0.5 }, { author: 'test', reason: 'lazy drivers' });
      const effective = await store.getEffective('m');
      await store.close();
      return { ...loaded(), frustration: effective.frustration };`;
    expect(driversLoadedAfter(body)).toEqual({ 'better-sqlite3': true, ioredis: false, pg: false, frustration: 0.5 });
  });

  it('creating a postgres or redis store loads its own driver', () => {
    const body = `
      const registry = thresholds.createThresholdStoreRegistry();
      const pg = registry.create('postgres', { url: 'postgres://127.0.0.1:1/none' }, {});
      const afterPg = loaded();
      const redis = registry.create('redis', { url: 'redis://127.0.0.1:1' }, {});
      const afterRedis = loaded();
      await Promise.allSettled([pg.close(), redis.close()]);
      return { afterPg, afterRedis };`;
    expect(driversLoadedAfter(body)).toEqual({
      afterPg: { 'better-sqlite3': false, ioredis: false, pg: true },
      afterRedis: { 'better-sqlite3': false, ioredis: true, pg: true },
    });
  });
});
