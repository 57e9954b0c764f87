import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HYPERPARAMETERS, METRIC_DEFINITIONS } from '@mangaassist/pipelines';
import { writeTinyEncoder } from './__tests__/tiny-encoder';

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
    // The default keeps the last epoch's model (training.modelSelection last-epoch).
    expect(readdirSync(join(root, 'model')).sort()).toEqual(readdirSync(join(root, 'checkpoints', 'run', 'last-model')).sort());
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

describe('training-job with training.modelSelection best-validation', () => {
  const root = mkdtempSync(join(tmpdir(), 'training-job-best-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("publishes the best validation epoch's model (best-model/) to the model directory", async () => {
    writeData(join(root, 'input', 'data', 'train', 'part-0.jsonl'), 32);
    writeData(join(root, 'input', 'data', 'validation', 'dev.jsonl'), 8);
    writeTinyEncoder(join(root, 'input', 'data', 'pretrained'), { words: WORDS, maxPositions: 16 });
    writeHyperparameters(root, TINY_HYPERPARAMETERS);
    const job = await runJob(jobEnv({ MANGAASSIST_ML_ROOT: root, MANGAASSIST_CFG__TRAINING__MODEL_SELECTION: 'best-validation' }));
    expect({ code: job.code, stderr: job.code === 0 ? '' : job.stderr }).toEqual({ code: 0, stderr: '' });
    const run = join(root, 'checkpoints', 'run');
    expect(existsSync(join(run, 'last-model'))).toBe(false);
    expect(readFileSync(join(root, 'model', 'model.safetensors')).equals(readFileSync(join(run, 'best-model', 'model.safetensors')))).toBe(true);
    const summary = JSON.parse(readFileSync(join(root, 'output', 'data', 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ modelSelection: 'best-validation', modelDir: join(run, 'best-model') });
    expect(job.stderr).toMatch(/model kept: best validation epoch \([12]\) in best-model\/, modelSelection best-validation/);
  }, 120_000);
});
