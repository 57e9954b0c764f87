import { isMangaAssistError } from '@mangaassist/common';
import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThresholdStoreRegistry } from '../store-registry';
import { describeThresholdStoreContract, expectConsistentChains } from '../__tests__/store-contract';

const registry = createThresholdStoreRegistry();
const dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
const path = join(dir, 'nested', 'thresholds.db');

describeThresholdStoreContract('sqlite', () => ({ open: (deps = {}) => registry.create('sqlite', { path }, deps) }));

describe('sqlite threshold store', () => {
  const change = { author: 'ops', reason: 'test' };

  it('uses WAL and refuses to rewrite the audit trail, also for other clients of the file', async () => {
    const file = join(dir, 'append-only.db');
    const store = registry.create('sqlite', { path: file }, {});
    await store.setOverride('m', 'frustration', 0.3, change);
    await store.close();
    const raw = new Database(file);
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(() => raw.prepare('UPDATE threshold_audit SET new_value = 0.9').run()).toThrow('append-only');
      expect(() => raw.prepare('DELETE FROM threshold_audit').run()).toThrow('append-only');
    } finally {
      raw.close();
    }
  });

  it('waits for another connection holding the write lock, then reports STORE_UNAVAILABLE naming the file', async () => {
    const file = join(dir, 'locked.db');
    const store = registry.create('sqlite', { path: file, busyTimeoutMs: 50 }, {});
    await store.ping();
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const error = await store.setOverride('m', 'frustration', 0.3, change).catch((e: unknown) => e);
      expect(isMangaAssistError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toContain(`sqlite (${file}) threshold store: setOverride failed`);
      // Readers are not blocked by the writer (WAL).
      expect(await store.getEffective('m')).toEqual({});
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await store.setOverride('m', 'frustration', 0.3, change);
    expect(await store.getEffective('m')).toEqual({ frustration: 0.3 });
    await store.close();
  });

  it('waits for a lock held elsewhere without blocking the event loop, then writes', async () => {
    const file = join(dir, 'held.db');
    const store = registry.create('sqlite', { path: file, busyTimeoutMs: 3000 }, {});
    await store.ping();
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    setTimeout(() => holder.exec('ROLLBACK'), 400);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const started = performance.now();
    try {
      await store.setOverride('m', 'urgency', 0.6, change);
    } finally {
      clearInterval(ticker);
      holder.close();
    }
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(350);
    // SQLite's own busy wait would hold the thread for the whole 400 ms: the timer could not fire at all. On a loaded
    // machine a 5 ms interval fires late (a fifth of its ideal count was seen with a training run on both cores), so
    // the bar is a tenth: far above the zero or one tick of a blocked thread.
    expect(ticks).toBeGreaterThan(waited / 5 / 10);
    expect(await store.getEffective('m')).toEqual({ urgency: 0.6 });
    await store.close();
  });

  it('refuses a stored value that is not a threshold: the table checks it, and reads of an older file name it', async () => {
    const checked = registry.create('sqlite', { path: join(dir, 'checked.db') }, {});
    await checked.ping();
    await checked.close();
    const raw = new Database(join(dir, 'checked.db'));
    try {
      expect(() => raw.prepare("INSERT INTO threshold_layers (model_id, label, recommended, updated_at) VALUES ('m', 'neutral', 1.5, 'now')").run()).toThrow(
        /CHECK constraint failed/,
      );
    } finally {
      raw.close();
    }
    // A file created without the checks (or written by another client) holding 1.5.
    const file = join(dir, 'unchecked.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE threshold_layers (model_id TEXT NOT NULL, label TEXT NOT NULL, recommended REAL, override REAL,
      override_author TEXT, override_reason TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (model_id, label))`);
    old.prepare("INSERT INTO threshold_layers (model_id, label, recommended, updated_at) VALUES ('m', 'churn_risk', 1.5, 'now')").run();
    old.close();
    const store = registry.create('sqlite', { path: file }, {});
    const error = await store.getEffective('m').catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'DATA_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/1\.5 as the recommended threshold of m\/churn_risk/);
    await store.setOverride('m', 'churn_risk', 0.4, change);
    expect(await store.getEffective('m')).toEqual({ churn_risk: 0.4 });
    await store.close();
  });

  it('adds the expiry columns to a file created before temporary overrides, keeping its rows', async () => {
    const file = join(dir, 'before-expiry.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE threshold_layers (model_id TEXT NOT NULL, label TEXT NOT NULL, recommended REAL, override REAL,
      override_author TEXT, override_reason TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (model_id, label));
      CREATE TABLE threshold_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, model_id TEXT NOT NULL, label TEXT NOT NULL,
      layer TEXT NOT NULL, old_value REAL, new_value REAL, author TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);`);
    old.prepare("INSERT INTO threshold_layers (model_id, label, override, override_author, override_reason, updated_at) VALUES ('m', 'urgency', 0.6, 'ops', 'old', 'now')").run();
    old.close();
    const store = registry.create('sqlite', { path: file }, {});
    expect(await store.getEffective('m')).toEqual({ urgency: 0.6 });
    await store.setOverride('m', 'frustration', 0.3, change, { expiresAt: new Date(Date.now() + 60_000) });
    expect((await store.list('m'))[0]).toMatchObject({ label: 'frustration', overrideExpiresAt: expect.any(String) });
    expect(await store.expireOverrides!('m')).toEqual([]);
    await store.close();
  });

  it('reports STORE_UNAVAILABLE when the file cannot be opened', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const store = registry.create('sqlite', { path: join(blocker, 'thresholds.db') }, {});
    const error = await store.ping().catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'STORE_UNAVAILABLE')).toBe(true);
    await store.close();
  });

  it('supports :memory: for throw-away stores', async () => {
    const store = registry.create('sqlite', { path: ':memory:' }, {});
    await store.setRecommended('m', { neutral: 0.5 }, { author: 'a', reason: 'r' });
    expect(await store.getEffective('m')).toEqual({ neutral: 0.5 });
    await store.close();
  });
});

describe('sqlite threshold store across processes', () => {
  it('loses no update when two processes and this one write the same labels at once', async () => {
    const { spawn } = await import('node:child_process');
    const file = join(dir, 'processes.db');
    const store = registry.create('sqlite', { path: file }, {});
    await store.ping(); // creates the schema before the writers race
    const count = 150;
    const values = (offset: number) => Array.from({ length: count }, (_, i) => Math.round((0.01 + offset + i * 0.001) * 10000) / 10000);
    const script = join(__dirname, '..', '__tests__', 'sqlite-writer-process.js');
    const children = ['child-a', 'child-b'].map((name, k) => {
      const child = spawn(process.execPath, [script, file, 'shared', name, values(0.3 * (k + 1)).join(',')]);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.on('exit', (code) => reject(new Error(`${name} exited early with ${code}: ${stderr}`)));
      });
      const done = new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}: ${stderr}`))));
      });
      return { child, ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin.write('go\n');
    for (const value of values(0)) {
      await store.setOverride('shared', 'frustration', value, { author: 'parent', reason: 'cross-process test' });
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(children.map((c) => c.done));
    const audit = await store.audit('shared');
    const overrides = audit.filter((a) => a.layer === 'override');
    expect(overrides).toHaveLength(3 * count);
    expect(audit.filter((a) => a.layer === 'recommended')).toHaveLength(2 * count);
    // The writers really overlapped (run one after the other, the author would change only twice).
    const switches = overrides.filter((a, i) => i > 0 && a.author !== overrides[i - 1]!.author).length;
    expect(switches).toBeGreaterThan(2);
    const current = Object.fromEntries((await store.list('shared')).map((l) => [l.label, l]));
    expectConsistentChains(audit, current);
    await store.close();
  }, 30_000);
});
