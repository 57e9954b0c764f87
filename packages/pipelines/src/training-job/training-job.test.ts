import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { createThresholdPlugins } from '@mangaassist/thresholds';
import { createTrainPlugins } from '@mangaassist/trainer';
import { mapHyperparameters } from './hyperparameters';
import { buildContractJobConfig } from './job-config';
import { resolveJobLayout } from './job-layout';

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
      // γ and α are the focal loss's: they select it, as the design's estimator means (the job's default loss is BCE).
      'loss.id': 'focal',
    });
    expect(mapped.origin.get('loss.id')).toBe('gamma');
    expect(mapHyperparameters({ label_weights: '1,2' }, 'h').fields.get('loss.id')).toBe('focal');
    expect(mapHyperparameters({ loss: 'asymmetric', gamma: '2' }, 'h').fields.get('loss.id')).toBe('asymmetric');
    expect(mapHyperparameters({ num_epochs: '3' }, 'h').fields.has('loss.id')).toBe(false);
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

describe('job configuration from the container layout', () => {
  const root = mkdtempSync(join(tmpdir(), 'job-config-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const plugins = () => ({ ...createTrainPlugins(), ...createThresholdPlugins() });

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
