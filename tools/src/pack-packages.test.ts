/**
 * What a team installing one of our packages gets: each publishable package is packed with `npm pack`, the tarballs
 * are installed into a scratch project (no workspace links), and each package is imported by name.
 * Only `.` is exported: a deep import must be refused by Node's `exports` check.
 *
 * A third-party plugin package (`tools/fixtures/acme-mangaassist-losses`, a Brier loss) is packed and installed
 * beside them, and a training job file in the scratch project selects its loss by id and trains one step.
 *
 * `@mangaassist/serving` is also installed alone, into a second scratch project: what a serving deployment gets must
 * hold no TensorFlow.js package.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const packagesDir = join(root, 'packages');
const pluginFixture = join(root, 'tools', 'fixtures', 'acme-mangaassist-losses');
const names = readdirSync(packagesDir).filter((name) => {
  try {
    return !JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')).private;
  } catch {
    return false;
  }
});

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_loglevel: 'error', ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}

describe('publishable packages', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mangaassist-pack-'));
  const tarballs = new Map<string, string>();

  beforeAll(() => {
    for (const name of names) {
      const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], join(packagesDir, name))) as {
        filename: string;
      }[];
      tarballs.set(`@mangaassist/${name}`, `file:${join(scratch, packed!.filename)}`);
    }
    const [plugin] = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], pluginFixture)) as { filename: string }[];
    const overrides = Object.fromEntries(tarballs);
    const dependencies = { ...overrides, '@acme/mangaassist-losses': `file:${join(scratch, plugin!.filename)}` };
    writeFileSync(
      join(scratch, 'package.json'),
      // Overrides point every internal dependency at its tarball, as the registry would serve it.
      JSON.stringify({ name: 'scratch', private: true, dependencies, overrides }, null, 2),
    );
    // Install scripts are skipped: native add-ons are optional and loaded lazily, so every package must import without them.
    npm(['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=optional'], scratch);
  }, 300_000);

  it('finds every package', () => {
    expect(names).toEqual(expect.arrayContaining(['common', 'core-model', 'losses', 'trainer', 'thresholds', 'serving', 'runtime-tfjs', 'runtime-onnx', 'data', 'pipelines']));
    // Private packages (the benchmarks) are never packed.
    expect(names).not.toContain('bench');
  });

  it.each(names)('@mangaassist/%s ships only dist and README with types, and imports by name', (name) => {
    const manifest = JSON.parse(readFileSync(join(scratch, 'node_modules', '@mangaassist', name, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.exports)).toEqual(['.', './package.json']);
    const script = [
      `const m = require('@mangaassist/${name}');`,
      `const fs = require('fs'); const p = require.resolve('@mangaassist/${name}');`,
      `if (!fs.existsSync(p.replace(/\\.js$/, '.d.ts'))) throw new Error('no types beside ' + p);`,
      `let deep = 'allowed'; try { require('@mangaassist/${name}/dist/index.js'); } catch (e) { deep = e.code; }`,
      `console.log(JSON.stringify({ keys: Object.keys(m).length, deep }));`,
    ].join('\n');
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: scratch, encoding: 'utf8' }));
    expect(out.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(out.keys).toBeGreaterThan(0);
  });

  it('installs @mangaassist/serving alone without any TensorFlow.js package', () => {
    const alone = mkdtempSync(join(tmpdir(), 'mangaassist-serving-alone-'));
    const overrides = Object.fromEntries(tarballs);
    writeFileSync(
      join(alone, 'package.json'),
      JSON.stringify({ name: 'serving-alone', private: true, dependencies: { '@mangaassist/serving': overrides['@mangaassist/serving'] }, overrides }, null, 2),
    );
    // Optional dependencies are installed here (unlike above): a deployment gets them too.
    npm(['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], alone);
    const installed = (scope: string) => {
      const dir = join(alone, 'node_modules', scope);
      return existsSync(dir) ? readdirSync(dir) : [];
    };
    expect(installed('@mangaassist').sort()).toEqual(['common', 'model-format', 'runtime-onnx', 'serving', 'thresholds']);
    expect(installed('@tensorflow')).toEqual([]);
    const script = "console.log(Object.keys(require('@mangaassist/serving')).length);";
    expect(Number(execFileSync(process.execPath, ['-e', script], { cwd: alone, encoding: 'utf8' }))).toBeGreaterThan(0);
  }, 300_000);

  it('trains one step with a loss from a third-party package that a job file selects by id', () => {
    mkdirSync(join(scratch, 'configs'), { recursive: true });
    const rows = Array.from({ length: 8 }, (_, i) => JSON.stringify(i % 2 ? { text: 'late again', labels: ['frustration'] } : { text: 'love this', labels: ['satisfaction'] }));
    writeFileSync(join(scratch, 'train.jsonl'), `${rows.join('\n')}\n`);
    writeFileSync(
      join(scratch, 'configs', 'job.yaml'),
      [
        'plugins: ["@acme/mangaassist-losses"]',
        'loss: { id: brier, options: { scale: 2 } }',
        'data: { train: { path: train.jsonl }, valFraction: 0.25 }',
        'schedule: { epochs: 1, unfreezing: { id: full }, lr: { id: constant } }',
        'training: { outDir: run, batchSize: 4, maxSteps: 1 }',
      ].join('\n'),
    );
    // What a team's own script does: the published API only, with a model of its own standing in for DistilBERT
    // (the trainer's tiny test classifier is not part of its published API).
    const script = `
      const tf = require('@tensorflow/tfjs-core');
      const { selectTfjsBackend } = require('@mangaassist/runtime-tfjs');
      const { createTrainPlugins, loadTrainJobConfig, runTrainJob } = require('@mangaassist/trainer');
      const words = ['late', 'again', 'love', 'this'];
      // Mean of word embeddings and a linear head, in the two layer groups the trainer counts.
      const createTinyClassifier = ({ labels, vocabSize, dim, seed }) => {
        const weights = (shape) => tf.variable(tf.randomNormal(shape, 0, 0.1, 'float32', seed));
        const groups = { embeddings: [weights([vocabSize, dim])], head: [weights([dim, labels.length]), tf.variable(tf.zeros([labels.length]))] };
        return {
          labels: [...labels],
          apply: (inputIds, attentionMask) => tf.tidy(() => {
            const mask = tf.cast(attentionMask, 'float32');
            const summed = tf.sum(tf.mul(tf.gather(groups.embeddings[0], tf.cast(inputIds, 'int32')), tf.expandDims(mask, 2)), 1);
            const mean = tf.div(summed, tf.maximum(tf.sum(mask, 1, true), 1));
            return tf.add(tf.matMul(mean, groups.head[0]), groups.head[1]);
          }),
          variablesByGroup: () => groups,
          save: (dir) => require('node:fs').mkdirSync(dir, { recursive: true }),
          dispose: () => Object.values(groups).flat().forEach((v) => v.dispose()),
        };
      };
      (async () => {
        await selectTfjsBackend({ backend: 'cpu' });
        const plugins = createTrainPlugins();
        const { config, plugins: loaded } = loadTrainJobConfig('configs/job.yaml', plugins);
        const { summary } = await runTrainJob(config, {
          plugins,
          createModel: async (cfg) => ({
            classifier: createTinyClassifier({ labels: cfg.model.labels, vocabSize: words.length + 3, dim: 8, seed: 1 }),
            encode: (text) => [1, ...text.split(' ').map((w) => 3 + words.indexOf(w)), 2],
            padId: 0,
          }),
        });
        const { usage } = require('@acme/mangaassist-losses');
        console.log(JSON.stringify({ loaded, usage, steps: summary.globalStep, stop: summary.stopReason, losses: plugins.losses.ids() }));
      })().catch((error) => { console.error(error); process.exit(1); });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(out.loaded).toEqual([
      {
        name: '@acme/mangaassist-losses',
        file: join(scratch, 'node_modules', '@acme', 'mangaassist-losses', 'index.js'),
        registered: [{ family: 'losses', id: 'brier' }],
      },
    ]);
    expect(out.losses).toEqual(['asymmetric', 'bce', 'brier', 'focal', 'uncertainty-weighted']);
    expect([out.steps, out.stop]).toEqual([1, 'max-steps']);
    expect(out.usage.created).toBe(1);
    expect(out.usage.computed).toBeGreaterThanOrEqual(1);
  });
});
