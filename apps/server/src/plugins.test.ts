import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig, serverConfigSchema } from '@mangaassist/common';
import { KeywordClassifier } from './__tests__/helpers/keyword-classifier';
import { startServer } from './start-server';

const silent = pino({ level: 'silent' });
const MEMORY_STORE = join(__dirname, '__tests__', 'helpers', 'memory-threshold-store');

/**
 * A config folder with a plugin file that contributes an in-memory threshold store (`in-memory`) and a strategy the
 * server has no use for; the store's instances are kept on the module so the test can see which one the server used.
 */
function configDir(): { dir: string; configFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'server-plugins-'));
  mkdirSync(join(dir, 'plugins'));
  writeFileSync(
    join(dir, 'plugins', 'memory-store.js'),
    [
      `const { MemoryThresholdStore } = require(${JSON.stringify(MEMORY_STORE)});`,
      'const schema = { safeParse: (value) => ({ success: true, data: value }) };',
      'exports.created = [];',
      'exports.mangaassistPlugins = {',
      "  thresholdStores: [{ id: 'in-memory', description: 'Thresholds in memory.', optionsSchema: schema, create: (options) => { const s = new MemoryThresholdStore(); s.options = options; exports.created.push(s); return s; } }],",
      "  thresholdStrategies: [{ id: 'unused', description: 'Not for the server.', optionsSchema: schema, create: () => ({}) }],",
      '};',
    ].join('\n'),
  );
  return { dir, configFile: join(dir, 'server.yaml') };
}

const config = (storeId: string, plugins: string[]) =>
  parseConfig(serverConfigSchema, { plugins, serving: { port: 0 }, thresholds: { store: { id: storeId, options: { shard: 3 } }, cacheTtlMs: 0 } });

describe('threshold stores from plugin packages', () => {
  it('opens the store the config selects by id from a package the config lists', async () => {
    const { dir, configFile } = configDir();
    const server = await startServer(config('in-memory', ['./plugins/memory-store.js']), {
      configFile,
      classifier: new KeywordClassifier(),
      logger: silent,
      listen: false,
    });
    try {
      const created = (createRequire(__filename)(join(dir, 'plugins', 'memory-store.js')) as { created: { options: unknown; calls: number }[] }).created;
      expect(created).toHaveLength(1);
      expect(created[0]!.options).toEqual({ shard: 3 });
      await server.context.store.setRecommended('keyword-test-v1', { frustration: 0.3 }, { author: 'test', reason: 'plugin store' });
      expect(await server.context.store.getEffective('keyword-test-v1')).toMatchObject({ frustration: 0.3 });
      expect(created[0]!.calls).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('lists the plugin stores with the built-ins for an unknown store id', async () => {
    const { configFile } = configDir();
    await expect(
      startServer(config('in-memroy', ['./plugins/memory-store.js']), { configFile, classifier: new KeywordClassifier(), logger: silent, listen: false }),
    ).rejects.toThrow('unknown threshold store plugin "in-memroy"; known: in-memory, postgres, redis, sqlite');
  });

  it('names the config file, the field and the package when a package is missing, before loading the model', async () => {
    const { dir, configFile } = configDir();
    const loaded: string[] = [];
    await expect(
      startServer(config('sqlite', ['@acme/mangaassist-stores']), {
        configFile,
        loadClassifier: async (serving) => (loaded.push(serving.modelDir), new KeywordClassifier()),
        logger: silent,
        listen: false,
      }),
    ).rejects.toThrow(`${configFile}: plugins[0] ("@acme/mangaassist-stores"): cannot find the package from ${dir}`);
    expect(loaded).toEqual([]);
  });
});
