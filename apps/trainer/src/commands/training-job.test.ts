import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { createContainer } from '../container';
import { PLUGINS } from '../tokens';
import { writeTinyEncoder } from './__tests__/tiny-encoder';
import { HYPERPARAMETERS, mapHyperparameters } from './training-job/hyperparameters';
import { buildContractJobConfig } from './training-job/job-config';
import { resolveJobLayout } from './training-job/job-layout';
import { METRIC_DEFINITIONS } from './training-job/metric-lines';

const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'confused', 'how', 'ok', 'fine'];
const KINDS = [
  ['late again', 'frustration'],
  ['love this', 'satisfaction'],
  ['how is this', 'confusion'],
  ['ok fine', 'neutral'],
];

function writeData(path: string, n: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `${Array.from({ length: n }, (_, i) => JSON.stringify({ text: KINDS[i % 4]![0], labels: [KINDS[i % 4]![1]] })).join('\n')}\n`);
}

function writeHyperparameters(root: string, values: Record<string, unknown>): void {
  mkdirSync(join(root, 'input', 'config'), { recursive: true });
  writeFileSync(join(root, 'input', 'config', 'hyperparameters.json'), JSON.stringify(values));
}

/** What the platform writes for the design document's estimator, shrunk to a tiny encoder (string values, as sent). */
const TINY_HYPERPARAMETERS = {
  num_epochs: '2',
  batch_size: '8',
  base_lr: '0.001',
  decay_factor: '2.6',
  gamma: '2.0',
  label_weights: '0.4,1.0,1.2,1.5,2.57,6.0',
  gradual_unfreezing: 'true',
  max_length: '12',
  head_hidden_dim: '8',
  backend: '"cpu"',
  sagemaker_program: '"train_sentiment.py"',
};

// The environment of the job process: the test's own, less anything that would steer the job elsewhere.
function jobEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SM_') && !key.startsWith('MANGAASSIST_CFG__')));
  return { ...env, ...extra };
}

// A real process, as the platform starts the container: `<entrypoint> train`. Sources load through SWC as in jest.
const register = join(__dirname, '..', '..', '..', '..', 'tools', 'jest', 'register-ts.cjs');
const main = join(__dirname, '..', 'main.ts');

function runJob(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, ['-r', register, main, 'training-job', 'train'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Every value each metric definition's regex captures from the job's output, as the platform's scraper would. */
function scrape(output: string): Record<string, number[]> {
  return Object.fromEntries(METRIC_DEFINITIONS.map(({ Name, Regex }) => [Name, [...output.matchAll(new RegExp(Regex, 'g'))].map((m) => Number(m[1]))]));
}

describe('hyperparameters.json mapping', () => {
  it("reads the design document's estimator hyperparameters as the platform writes them (JSON-encoded or str())", () => {
    const mapped = mapHyperparameters(
      {
        model_name: '"distilbert-base-uncased"',
        num_epochs: '8',
        batch_size: '32',
        base_lr: '3e-05',
        decay_factor: '2.6',
        gamma: '2.0',
        label_weights: '0.4,1.0,1.2,1.5,2.57,6.0',
        gradual_unfreezing: 'True',
        sagemaker_region: '"eu-west-1"',
      },
      'hyperparameters.json',
    );
    expect(Object.fromEntries(mapped.fields)).toEqual({
      'model.pretrained': 'distilbert-base-uncased',
      'schedule.epochs': 8,
      'training.batchSize': 32,
      'optimizer.baseLr': 3e-5,
      'optimizer.lrDecay': 2.6,
      'loss.options.gamma': 2,
      'loss.options.alpha': [0.4, 1, 1.2, 1.5, 2.57, 6],
      'schedule.unfreezing.id': 'ulmfit',
    });
    expect(mapped.origin.get('schedule.epochs')).toBe('num_epochs');
    expect(mapped.ignored).toEqual(['sagemaker_region']);
    expect(mapHyperparameters({ gradual_unfreezing: false, labels: '["frustration", "neutral"]', seed: 7 }, 'h').fields).toEqual(
      new Map<string, unknown>([
        ['schedule.unfreezing.id', 'full'],
        ['model.labels', ['frustration', 'neutral']],
        ['training.seed', 7],
        ['data.seed', 7],
      ]),
    );
  });

  it('refuses unknown names and values of the wrong type, all in one message naming each', () => {
    let message = '';
    try {
      mapHyperparameters({ num_epoch: '8', batch_size: '3.5', gradual_unfreezing: 'yes', label_weights: '0.4,,1', base_lr: 'fast' }, 'hp.json');
    } catch (error) {
      expect(isMangaAssistError(error) && error.code).toBe('CONFIG_INVALID');
      message = (error as Error).message;
    }
    expect(message).toMatch(/^hp\.json is invalid \(5 problems\):/);
    expect(message).toMatch(/- num_epoch: unknown hyperparameter; known: model_name, labels, .*num_epochs.* \(and sagemaker_\* ones, ignored\)/);
    expect(message).toContain('- batch_size: must be an integer; got "3.5"');
    expect(message).toContain('- gradual_unfreezing: must be a boolean (true or false); got "yes"');
    expect(message).toContain('- label_weights: must be a comma-separated list of numbers; got "0.4,,1"');
    expect(message).toContain('- base_lr: must be a finite number; got "fast"');
    expect(() => mapHyperparameters({ gradual_unfreezing: 'false', unfreezing: 'ulmfit' }, 'h')).toThrow(
      /unfreezing: sets schedule\.unfreezing\.id, which gradual_unfreezing sets too; give one of them/,
    );
    expect(() => mapHyperparameters(['num_epochs'], 'h')).toThrow(/h must hold a JSON object of hyperparameters/);
  });
});

describe('trainer README', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

  it('documents every hyperparameter with the fields it sets, and every metric definition', () => {
    const rows = new Map([...readme.matchAll(/^\| `([a-z_]+)` \| (\w+) \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[3]!]));
    for (const spec of HYPERPARAMETERS) {
      expect({ name: spec.name, documented: rows.has(spec.name) }).toEqual({ name: spec.name, documented: true });
      if (spec.name !== 'data_format') for (const field of spec.fields) expect(rows.get(spec.name)).toContain(`\`${field}\``);
    }
    expect([...rows.keys()].filter((name) => !HYPERPARAMETERS.some((s) => s.name === name))).toEqual([]);
    for (const { Name, Regex } of METRIC_DEFINITIONS) expect(readme).toContain(`| \`${Name}\` | \`${Regex}\` |`);
  });
});

describe('job configuration from the container layout', () => {
  const root = mkdtempSync(join(tmpdir(), 'job-config-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const plugins = () => createContainer().resolve(PLUGINS);

  it('names the hyperparameter behind a value the job configuration refuses, and the channel that is missing', () => {
    const env = { MANGAASSIST_ML_ROOT: root };
    expect(() => buildContractJobConfig(resolveJobLayout(env), plugins(), env)).toThrow(/no training data: the job needs a train channel \(SM_CHANNEL_TRAIN, or files under .*input\/data\/train\)/);
    writeData(join(root, 'input', 'data', 'train', 'a.jsonl'), 8);
    writeHyperparameters(root, { num_epochs: '0', loss: 'hinge' });
    expect(() => buildContractJobConfig(resolveJobLayout(env), plugins(), env)).toThrow(/schedule\.epochs: Too small.*\n\(schedule\.epochs is set by hyperparameter num_epochs\)$/s);
    writeHyperparameters(root, { loss: 'hinge' });
    expect(() => buildContractJobConfig(resolveJobLayout(env), plugins(), env)).toThrow(/loss\.id: unknown loss plugin "hinge"; known: .*focal.*\n\(loss\.id is set by hyperparameter loss\)$/s);
    writeHyperparameters(root, { gamma: '-1' });
    expect(() => buildContractJobConfig(resolveJobLayout(env), plugins(), env)).toThrow(/loss\[focal\]\.options\.gamma: .*\n\(loss\.options\.gamma is set by hyperparameter gamma\)$/s);
  });

  it("starts from the config channel's job file: hyperparameters and channels override it, its source options carry over", () => {
    const base = mkdtempSync(join(tmpdir(), 'job-config-base-'));
    try {
      writeData(join(base, 'input', 'data', 'train', 'messages.jsonl'), 4);
      mkdirSync(join(base, 'input', 'data', 'config'), { recursive: true });
      const jobFile = join(base, 'input', 'data', 'config', 'job.yaml');
      writeFileSync(
        jobFile,
        ['model: { maxLength: 32, head: { dropout: 0.3 } }', 'data: { train: { path: elsewhere.jsonl, textColumn: message }, lenient: true }', 'optimizer: { baseLr: 0.01 }'].join('\n'),
      );
      writeHyperparameters(base, { base_lr: '0.002' });
      const env = { MANGAASSIST_ML_ROOT: base };
      const { config } = buildContractJobConfig(resolveJobLayout(env), plugins(), env);
      expect(config.data.train).toMatchObject({ path: join(base, 'input', 'data', 'train', 'messages.jsonl'), textColumn: 'message' });
      expect(config.data.lenient).toBe(true);
      expect(config.model).toMatchObject({ maxLength: 32, head: { dropout: 0.3 } });
      expect(config.optimizer.baseLr).toBe(0.002);
      // A plugin package given by a path relative to the job file is looked for there, not beside the resolved file.
      writeFileSync(jobFile, 'plugins: [./my-losses]\n');
      expect(() => buildContractJobConfig(resolveJobLayout(env), plugins(), env)).toThrow(JSON.stringify(join(base, 'input', 'data', 'config', 'my-losses')));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('takes the train channel from SM_CHANNEL_TRAIN over the default folder, and refuses a missing one', () => {
    const elsewhere = join(root, 'elsewhere');
    writeData(join(elsewhere, 'part-1.csv'), 4);
    writeData(join(elsewhere, 'part-0.jsonl'), 4);
    writeFileSync(join(elsewhere, 'manifest.txt'), 'not data');
    writeHyperparameters(root, { data_format: 'jsonl' });
    const env = { MANGAASSIST_ML_ROOT: root, SM_CHANNEL_TRAIN: elsewhere };
    const { config } = buildContractJobConfig(resolveJobLayout(env), plugins(), env);
    expect(config.data.train).toEqual([
      expect.objectContaining({ path: join(elsewhere, 'part-0.jsonl'), format: 'jsonl' }),
      expect.objectContaining({ path: join(elsewhere, 'part-1.csv'), format: 'jsonl' }),
    ]);
    expect(config.training.outDir).toBe(join(root, 'checkpoints', 'run'));
    mkdirSync(join(root, 'input', 'data', 'eval'), { recursive: true });
    expect(resolveJobLayout({ ...env, SM_CHANNEL_TEST: elsewhere }).unknownChannels).toEqual(['eval', 'test']);
    expect(() => resolveJobLayout({ MANGAASSIST_ML_ROOT: root, SM_CHANNEL_VALIDATION: join(root, 'nowhere') })).toThrow(/^SM_CHANNEL_VALIDATION names .*nowhere, which is not a folder$/);
  });
});

describe('training-job container contract, in a real process', () => {
  const root = mkdtempSync(join(tmpdir(), 'training-job-'));
  const trainChannel = join(root, 'mounted-train');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  let first: Awaited<ReturnType<typeof runJob>>;
  beforeAll(async () => {
    writeData(join(trainChannel, 'part-0.jsonl'), 16);
    writeData(join(trainChannel, 'part-1.jsonl'), 16);
    writeData(join(root, 'input', 'data', 'validation', 'dev.jsonl'), 8);
    writeTinyEncoder(join(root, 'input', 'data', 'pretrained'), { words: WORDS, maxPositions: 16 });
    writeHyperparameters(root, TINY_HYPERPARAMETERS);
    // Environment overrides still apply on top: a step line every 2 steps.
    first = await runJob(jobEnv({ MANGAASSIST_ML_ROOT: root, SM_CHANNEL_TRAIN: trainChannel, MANGAASSIST_CFG__TRAINING__LOG_EVERY_STEPS: '2' }));
  }, 120_000);

  it('trains, exits 0, and leaves the model in the model directory and the record in output/data', () => {
    expect({ code: first.code, stderr: first.code === 0 ? '' : first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(existsSync(join(root, 'output', 'failure'))).toBe(false);
    expect(readdirSync(join(root, 'model')).sort()).toEqual(readdirSync(join(root, 'checkpoints', 'run', 'best-model')).sort());
    for (const file of ['config.json', 'model.safetensors']) expect(existsSync(join(root, 'model', file))).toBe(true);
    const summary = JSON.parse(readFileSync(join(root, 'output', 'data', 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ stopReason: 'completed', epochs: 2, trainExamples: 32, validationExamples: 8 });
    const jobConfig = JSON.parse(readFileSync(join(root, 'output', 'data', 'job-config.json'), 'utf8'));
    expect(jobConfig).toMatchObject({
      model: { pretrained: join(root, 'input', 'data', 'pretrained'), maxLength: 12, head: { hiddenDim: 8 } },
      data: { train: [{ path: join(trainChannel, 'part-0.jsonl') }, { path: join(trainChannel, 'part-1.jsonl') }], validation: { path: join(root, 'input', 'data', 'validation', 'dev.jsonl') } },
      loss: { options: { gamma: 2, alpha: [0.4, 1, 1.2, 1.5, 2.57, 6] } },
      schedule: { epochs: 2, unfreezing: { id: 'ulmfit' } },
      optimizer: { baseLr: 0.001, lrDecay: 2.6 },
      training: { batchSize: 8, backend: 'cpu' },
    });
    expect(readFileSync(join(root, 'output', 'data', 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(2);
  });

  it('prints metric lines that the metric definitions pick up, one value per epoch', () => {
    const metrics = scrape(first.stdout);
    expect(metrics['validation:macro_f1']).toHaveLength(2);
    expect(metrics['train:loss']).toHaveLength(2);
    expect(metrics['validation:loss']).toHaveLength(2);
    expect(metrics['validation:hamming_loss']).toHaveLength(2);
    // 32 examples in batches of 8 for 2 epochs: 8 steps, a line every 2.
    expect(metrics['train:step_loss']).toHaveLength(4);
    for (const value of [...metrics['validation:macro_f1']!, ...metrics['validation:exact_match']!]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    const summary = JSON.parse(readFileSync(join(root, 'output', 'data', 'summary.json'), 'utf8'));
    expect(metrics['validation:best_macro_f1']).toEqual([Number(summary.best.macroF1.toFixed(6))]);
    expect(metrics['validation:macro_f1']).toContain(Number(summary.best.macroF1.toFixed(6)));
  });

  it('resumes from the checkpoint folder when restarted, without training again', async () => {
    const again = await runJob(jobEnv({ MANGAASSIST_ML_ROOT: root, SM_CHANNEL_TRAIN: trainChannel, MANGAASSIST_CFG__TRAINING__LOG_EVERY_STEPS: '2' }));
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`resuming the run checkpointed in ${join(root, 'checkpoints', 'run')}`);
    expect(scrape(again.stdout)['validation:macro_f1']).toHaveLength(0);
    expect(existsSync(join(root, 'model', 'model.safetensors'))).toBe(true);
  }, 60_000);

  it('writes the reason to output/failure and exits non-zero on bad hyperparameters, before reading any data', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'training-job-bad-'));
    try {
      writeHyperparameters(bad, { ...TINY_HYPERPARAMETERS, num_epoch: '3', batch_size: 'eight' });
      const result = await runJob(jobEnv({ MANGAASSIST_ML_ROOT: bad, SM_CHANNEL_TRAIN: trainChannel }));
      expect(result.code).toBe(1);
      const failure = readFileSync(join(bad, 'output', 'failure'), 'utf8');
      expect(failure).toMatch(/^error \[CONFIG_INVALID\]: .*hyperparameters\.json is invalid \(2 problems\):/);
      expect(failure).toContain('- num_epoch: unknown hyperparameter; known:');
      expect(failure).toContain('- batch_size: must be an integer; got "eight"');
      expect(result.stderr).toContain('- batch_size: must be an integer; got "eight"');
      expect(existsSync(join(bad, 'model'))).toBe(false);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  }, 60_000);
});
