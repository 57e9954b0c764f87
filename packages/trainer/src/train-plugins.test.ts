import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isMangaAssistError, MangaAssistError, PluginRegistry } from '@mangaassist/common';
import { useCpuBackend } from './__tests__/fixtures';
import { createTinyClassifier } from './testing/tiny-classifier';
import { runTrainJob, type JobModel } from './train-job';
import { createTrainPlugins, loadTrainJobConfig } from './train-plugins';

beforeAll(useCpuBackend);

// The third-party package that the pack test installs from its tarball; here it is linked into a scratch project.
const FIXTURE = resolve(__dirname, '..', '..', '..', 'tools', 'fixtures', 'acme-mangaassist-losses');
const WORDS = ['late', 'again', 'love', 'this', 'ok', 'fine'];

interface Usage {
  created: number;
  computed: number;
}

/** A scratch project with the fixture installed as `@acme/mangaassist-losses` and a job file in `configs/`. */
function project(jobLines: readonly string[]): { root: string; configFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'trainer-plugins-'));
  mkdirSync(join(root, 'node_modules', '@acme'), { recursive: true });
  symlinkSync(FIXTURE, join(root, 'node_modules', '@acme', 'mangaassist-losses'), 'dir');
  mkdirSync(join(root, 'configs'));
  const rows = Array.from({ length: 16 }, (_, i) => JSON.stringify(i % 2 ? { text: 'late again', labels: ['frustration'] } : { text: 'love this', labels: ['satisfaction'] }));
  writeFileSync(join(root, 'train.jsonl'), `${rows.join('\n')}\n`);
  const configFile = join(root, 'configs', 'job.yaml');
  writeFileSync(
    configFile,
    [
      `data: { train: { path: ${join(root, 'train.jsonl')} }, valFraction: 0.25 }`,
      'schedule: { epochs: 1, unfreezing: { id: full }, lr: { id: constant } }',
      `training: { outDir: ${join(root, 'run')}, batchSize: 4, maxSteps: 1 }`,
      ...jobLines,
    ].join('\n'),
  );
  return { root, configFile };
}

function tinyModel(): (cfg: { model: { labels: readonly string[] } }) => Promise<JobModel> {
  return async (cfg) => ({
    classifier: createTinyClassifier({ labels: cfg.model.labels, vocabSize: WORDS.length + 3, dim: 8, seed: 1 }),
    encode: (text) => [1, ...text.split(' ').map((w) => 3 + WORDS.indexOf(w)), 2],
    padId: 0,
    hiddenSize: 8,
  });
}

function captured(fn: () => unknown): MangaAssistError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MangaAssistError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('loadTrainJobConfig with plugin packages', () => {
  it('selects a loss from a package the job file names, by id, and trains with it', async () => {
    const { configFile } = project(['plugins: ["@acme/mangaassist-losses"]', 'loss: { id: brier, options: { scale: 2 } }']);
    const plugins = createTrainPlugins();
    const { config, plugins: loaded } = loadTrainJobConfig(configFile, plugins);
    expect(loaded.map((p) => [p.name, p.registered])).toEqual([['@acme/mangaassist-losses', [{ family: 'losses', id: 'brier' }]]]);
    expect(plugins.losses.ids()).toEqual(['asymmetric', 'bce', 'brier', 'focal', 'uncertainty-weighted']);
    // The host's require and this test's load one module instance: its counters are the ones the run moved.
    const usage = (createRequire(__filename)(FIXTURE) as { usage: Usage }).usage;
    const before = { ...usage };
    const { summary } = await runTrainJob(config, { plugins, createModel: tinyModel() });
    expect([summary.globalStep, summary.stopReason]).toEqual([1, 'max-steps']);
    expect(usage.created - before.created).toBe(1);
    expect(usage.computed - before.computed).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(readFileSync(join(config.training.outDir, 'config.json'), 'utf8'))).toMatchObject({
      plugins: ['@acme/mangaassist-losses'],
      loss: { id: 'brier', options: { scale: 2 } },
    });
  });

  it("validates the plugin's options with its own schema", async () => {
    const { configFile } = project(['plugins: ["@acme/mangaassist-losses"]', 'loss: { id: brier, options: { scale: -1 } }']);
    const plugins = createTrainPlugins();
    const { config } = loadTrainJobConfig(configFile, plugins);
    await expect(runTrainJob(config, { plugins, createModel: tinyModel() })).rejects.toThrow(/invalid options for loss plugin "brier":\n.*loss\[brier\]\.options\.scale/);
  });

  it('names the file, the field and every known id (plugins included) for an unknown id', () => {
    const { configFile } = project(['plugins: ["@acme/mangaassist-losses"]', 'loss: { id: brierr }']);
    const error = captured(() => loadTrainJobConfig(configFile, createTrainPlugins()));
    expect(isMangaAssistError(error, 'PLUGIN_UNKNOWN')).toBe(true);
    expect(error.message).toBe(
      `${configFile}: loss.id: unknown loss plugin "brierr"; known: asymmetric, bce, brier, focal, uncertainty-weighted (with @acme/mangaassist-losses)`,
    );
  });

  it('points at the plugins field when an id is unknown and no package is listed', () => {
    const { configFile } = project(['loss: { id: brier }']);
    const error = captured(() => loadTrainJobConfig(configFile, createTrainPlugins()));
    expect(error.message).toBe(
      `${configFile}: loss.id: unknown loss plugin "brier"; known: asymmetric, bce, focal, uncertainty-weighted; a plugin package listed under plugins can add more`,
    );
  });

  it('checks threshold ids too when the host offers those registries', () => {
    const { configFile } = project(['thresholds: { store: { id: etcd } }']);
    const stores = new PluginRegistry<object, unknown>('threshold store');
    const error = captured(() => loadTrainJobConfig(configFile, { ...createTrainPlugins(), thresholdStores: stores }));
    expect(error.message).toBe(`${configFile}: thresholds.store.id: unknown threshold store plugin "etcd"; known: (none registered); a plugin package listed under plugins can add more`);
  });

  it('names the file and the field when a listed package is not installed', () => {
    const { root, configFile } = project(['plugins: ["@acme/mangaassist-losses", "@acme/missing"]', 'loss: { id: brier }']);
    const error = captured(() => loadTrainJobConfig(configFile, createTrainPlugins(), {}));
    expect(error.code).toBe('PLUGIN_LOAD_FAILED');
    expect(error.message).toContain(`${configFile}: plugins[1] ("@acme/missing"): cannot find the package from ${join(root, 'configs')}`);
  });
});
