import { isMangaAssistError } from '@mangaassist/common';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachedThresholdStore } from './cached-store';
import { openThresholdStore } from './open-store';
import { createThresholdStoreRegistry, parseStoreSpec } from './store-registry';

describe('threshold store registry', () => {
  it('registers exactly one store per file in stores/ (file name = id)', () => {
    const files = readdirSync(join(__dirname, 'stores'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(createThresholdStoreRegistry().ids()).toEqual(files);
  });

  it('validates options with each store schema', () => {
    const registry = createThresholdStoreRegistry();
    expect(() => registry.create('postgres', { url: 'mysql://x' }, {})).toThrow(/threshold store\[postgres\]\.options\.url/);
    expect(() => registry.create('redis', {}, {})).toThrow(/threshold store\[redis\]\.options\.url/);
    expect(() => registry.create('sqlite', { path: 'x', extra: 1 }, {})).toThrow(/unknown key\(s\) "extra"/);
  });
});

describe('parseStoreSpec', () => {
  it.each([
    ['sqlite:runs/t.db', { id: 'sqlite', options: { path: 'runs/t.db' } }],
    ['sqlite::memory:', { id: 'sqlite', options: { path: ':memory:' } }],
    ['postgres:postgres://u:p@h:5432/db', { id: 'postgres', options: { url: 'postgres://u:p@h:5432/db' } }],
    ['postgresql://h/db', { id: 'postgres', options: { url: 'postgresql://h/db' } }],
    ['redis:redis://127.0.0.1:6379/0', { id: 'redis', options: { url: 'redis://127.0.0.1:6379/0' } }],
    ['redis://h:1', { id: 'redis', options: { url: 'redis://h:1' } }],
  ])('parses %s', (spec, expected) => {
    expect(parseStoreSpec(spec)).toEqual(expected);
  });

  it.each(['sqlite', 'sqlite:', 'mongo:x', ''])('rejects %j naming the accepted forms', (spec) => {
    let error: unknown;
    try {
      parseStoreSpec(spec);
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('must be sqlite:<path>, postgres:<url> or redis:<url>');
  });
});

describe('openThresholdStore', () => {
  it('opens the configured store behind the cache', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'open-store-')), 't.db');
    const store = openThresholdStore({ store: { id: 'sqlite', options: { path } }, cacheTtlMs: 10_000 });
    expect(store).toBeInstanceOf(CachedThresholdStore);
    await store.setRecommended('m', { neutral: 0.5 }, { author: 'a', reason: 'r' });
    expect(await store.getEffective('m')).toEqual({ neutral: 0.5 });
    await store.close();
  });
});
