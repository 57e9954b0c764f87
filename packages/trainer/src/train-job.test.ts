import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError, parseConfig, trainJobConfigSchema, type TrainJobConfig } from '@mangaassist/common';
import { emojiNameReplacements, loadClassifier } from '@mangaassist/core-model';
import { useCpuBackend, writeTinyDistilBert } from './__tests__/fixtures';
import { createTinyClassifier } from './testing/tiny-classifier';
import { configFingerprint, runTrainJob, type JobModel } from './train-job';

beforeAll(useCpuBackend);

const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'confused', 'how', 'ok', 'fine'];
const dir = () => mkdtempSync(join(tmpdir(), 'trainer-job-'));

/** A small JSONL file in which words decide the labels. */
function jsonl(path: string, n: number): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const kind = i % 4;
    const text = [['late again', 'where is my order'], ['love this', 'fine ok'], ['how is this', 'confused'], ['ok', 'fine']][kind]![i % 2]!;
    const labels = [['frustration'], ['satisfaction'], ['confusion'], ['neutral']][kind]!;
    return JSON.stringify({ text, labels });
  });
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

function config(root: string, raw: Record<string, unknown> = {}): TrainJobConfig {
  return parseConfig(trainJobConfigSchema, {
    data: { train: { path: jsonl(join(root, 'train.jsonl'), 40) }, valFraction: 0.25 },
    loss: { id: 'bce' },
    schedule: { epochs: 2, unfreezing: { id: 'full' }, lr: { id: 'constant' } },
    optimizer: { baseLr: 0.05 },
    training: { outDir: join(root, 'run'), batchSize: 8, logEverySteps: 1 },
    ...raw,
  });
}

/** The tiny classifier with a word-level tokenizer: enough to run the job quickly. */
function tinyModel(calls: { count: number } = { count: 0 }) {
  return async (cfg: TrainJobConfig): Promise<JobModel> => {
    calls.count++;
    return {
      classifier: createTinyClassifier({ labels: cfg.model.labels, vocabSize: WORDS.length + 3, dim: 8, seed: cfg.training.seed }),
      encode: (text) => [1, ...text.split(' ').map((w) => 3 + WORDS.indexOf(w)), 2],
      padId: 0,
      hiddenSize: 8,
    };
  };
}

describe('runTrainJob', () => {
  it('reads, splits and tokenises the data, writes config.json and trains', async () => {
    const root = dir();
    const cfg = config(root, { schedule: { epochs: 6, unfreezing: { id: 'full' }, lr: { id: 'constant' } } });
    const { summary, wallSeconds } = await runTrainJob(cfg, { createModel: tinyModel() });
    expect(summary.trainExamples + summary.validationExamples).toBe(40);
    expect(Math.abs(summary.validationExamples - 10)).toBeLessThanOrEqual(1); // a stratified quarter
    // urgency and churn_risk never occur in the data, so they are not scored.
    expect(summary.evalLabels).toEqual(['frustration', 'satisfaction', 'confusion', 'neutral']);
    expect(summary.best!.macroF1).toBeGreaterThan(0.6); // the words decide the labels: learnable
    expect(wallSeconds).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(cfg.training.outDir, 'config.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(cfg)));
  });

  it('limits examples with a seeded subset', async () => {
    const root = dir();
    const cfg = config(root, { training: { outDir: join(root, 'run'), batchSize: 8, limitExamples: 12, limitValidationExamples: 5, maxSteps: 1 } });
    const { summary } = await runTrainJob(cfg, { createModel: tinyModel() });
    expect([summary.trainExamples, summary.validationExamples, summary.globalStep, summary.stopReason]).toEqual([12, 5, 1, 'max-steps']);
  });

  it('scores the labels a GoEmotions file covers', async () => {
    const root = dir();
    const tsv = ['text\tlabel\tid', ...Array.from({ length: 24 }, (_, i) => `${['late again', 'love this', 'confused', 'ok'][i % 4]}\t${[2, 0, 6, 27][i % 4]}\tid${i}`)];
    writeFileSync(join(root, 'go.tsv'), `${tsv.join('\n')}\n`);
    const cfg = config(root, { data: { train: { path: join(root, 'go.tsv'), format: 'goemotions' }, validation: { path: join(root, 'go.tsv'), format: 'goemotions' } } });
    const { summary } = await runTrainJob({ ...cfg, schedule: { ...cfg.schedule, epochs: 1 } }, { createModel: tinyModel() });
    expect(summary.evalLabels).toEqual(['frustration', 'satisfaction', 'confusion', 'neutral']);
  });

  it('leaves the labels a second training file does not annotate out of its examples’ loss', async () => {
    // The second file says "fine ok" (satisfaction in the first) is neutral and annotates nothing else. Taken as negatives, its 60 rows would
    // teach that "fine ok" is not satisfaction; masked, satisfaction is learned from the first file alone.
    const root = dir();
    const neutralOnly = join(root, 'neutral-only.jsonl');
    writeFileSync(neutralOnly, `${Array.from({ length: 60 }, () => JSON.stringify({ text: 'fine ok', labels: ['neutral'] })).join('\n')}\n`);
    const satisfactionRecall = async (labels: string[] | undefined, name: string) => {
      const base = config(join(root, name));
      const cfg = {
        ...base,
        data: { ...base.data, train: [base.data.train as never, { path: neutralOnly, weight: 1, ...(labels ? { labels } : {}) }] },
        training: { ...base.training, outDir: join(root, name, 'run') },
        schedule: { ...base.schedule, epochs: 6 },
      } as TrainJobConfig;
      const lines: string[] = [];
      const { summary } = await runTrainJob(cfg, { createModel: tinyModel(), log: (line) => lines.push(line) });
      return { recall: summary.history.at(-1)!.validation.perLabel.satisfaction!.recall, lines };
    };
    mkdirSync(join(root, 'masked'), { recursive: true });
    mkdirSync(join(root, 'unmasked'), { recursive: true });
    const masked = await satisfactionRecall(['neutral'], 'masked');
    const unmasked = await satisfactionRecall(undefined, 'unmasked');
    expect(masked.recall).toBe(1);
    expect(unmasked.recall).toBeLessThan(0.5);
    expect(masked.lines.join('\n')).toMatch(/neutral-only\.jsonl: 60 examples, annotates neutral/);
  });

  it('refuses an n-gram ensemble that no training file may be fitted on before it trains, naming the field', async () => {
    const root = dir();
    const calls = { count: 0 };
    const cfg = config(root, {
      data: { train: { path: jsonl(join(root, 'train.jsonl'), 40), inNgramEnsemble: false }, valFraction: 0.25 },
      model: { head: { ngramEnsemble: { enabled: true } } },
    });
    const error = await runTrainJob(cfg, { createModel: tinyModel(calls) }).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/model\.head\.ngramEnsemble is enabled but no data\.train file can fit it/);
    expect(calls.count).toBe(0);
    expect(existsSync(join(root, 'run'))).toBe(false);
  });

  it('refuses to reuse a run directory unless resuming or overwriting', async () => {
    const root = dir();
    const cfg = config(root, {});
    const one = { ...cfg, schedule: { ...cfg.schedule, epochs: 1 } };
    const first = await runTrainJob(one, { createModel: tinyModel() });
    const error = await runTrainJob(one, { createModel: tinyModel() }).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/already holds a run .*--resume.*--overwrite/);
    // Resuming a finished run changes nothing.
    const again = await runTrainJob(one, { createModel: tinyModel(), resume: true });
    expect(again.summary.best).toEqual(first.summary.best);
    expect(again.summary.globalStep).toBe(first.summary.globalStep);
    const overwritten = await runTrainJob(one, { createModel: tinyModel(), overwrite: true });
    expect(overwritten.summary.history).toHaveLength(1);
    // A changed configuration cannot resume the run.
    const changed = { ...one, optimizer: { ...one.optimizer, baseLr: 0.01 } };
    expect(configFingerprint(changed)).not.toBe(configFingerprint(one));
    expect(configFingerprint({ ...one, training: { ...one.training, backend: 'cpu' } })).toBe(configFingerprint(one));
    await expect(runTrainJob(changed, { createModel: tinyModel(), resume: true })).rejects.toThrow(/different configuration/);
  });

  it('refuses to resume when a data file changed (same row count), naming it, or starts over when told to', async () => {
    const root = dir();
    const cfg = config(root, {});
    const one = { ...cfg, schedule: { ...cfg.schedule, epochs: 1 } };
    await runTrainJob(one, { createModel: tinyModel() });
    const trainPath = join(root, 'train.jsonl');
    // One text reworded: the same 40 rows, labels and configuration (so the same split and step count), other data.
    writeFileSync(trainPath, readFileSync(trainPath, 'utf8').replace('"text":"late again"', '"text":"again late"'));
    const error = await runTrainJob(one, { createModel: tinyModel(), resume: true }).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'DATA_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot resume .*checkpoint\\.safetensors: data file ${trainPath.replace(/[.]/g, '\\.')} changed since the checkpoint \\(sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\\)`),
    );
    expect((error as { details: { file: string } }).details.file).toBe(trainPath);
    const lines: string[] = [];
    const restarted = await runTrainJob(one, { createModel: tinyModel(), resume: true, restartOnDataChange: true, log: (line) => lines.push(line) });
    expect(lines).toContain(`${trainPath} changed since the checkpoint in ${one.training.outDir}: starting a new run instead of resuming (restart on data change)`);
    expect(restarted.summary.history).toHaveLength(1);
    const resumeRecords = readFileSync(join(one.training.outDir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"resume"'));
    expect(resumeRecords).toEqual([]); // a new run, not a resumed one
    // The new run recorded the new data: resuming it now goes ahead.
    await expect(runTrainJob(one, { createModel: tinyModel(), resume: true })).resolves.toMatchObject({ summary: { stopReason: 'completed' } });
  });

  it('checks plugin selections before loading data or the model', async () => {
    const root = dir();
    const calls = { count: 0 };
    const bad = config(root, { schedule: { unfreezing: { id: 'gradual' } } });
    await expect(runTrainJob(bad, { createModel: tinyModel(calls) })).rejects.toThrow(/unknown unfreezing schedule plugin "gradual"; known: custom, full, head-only, ulmfit/);
    const badLr = config(root, { schedule: { lr: { id: 'stlr', options: { ratio: 0 } } } });
    await expect(runTrainJob(badLr, { createModel: tinyModel(calls) })).rejects.toThrow(/lr schedule\[stlr\]\.options\.ratio/);
    const badLoss = config(root, { loss: { id: 'focal', options: { gamma: -1 } } });
    await expect(runTrainJob(badLoss, { createModel: tinyModel(calls) })).rejects.toThrow(/gamma/);
    await expect(runTrainJob(config(root), { createModel: tinyModel(calls), resume: true })).rejects.toThrow(/cannot resume: .*checkpoint\.safetensors does not exist/);
    expect(calls.count).toBe(0);
  });

  it('fine-tunes the DistilBERT classifier of core-model and saves a loadable best model', async () => {
    // A random 2-layer DistilBERT over a 20-word vocabulary, written as a Hugging Face directory.
    const root = dir();
    const encoderDir = join(root, 'encoder');
    writeTinyDistilBert(encoderDir, { words: WORDS, layers: 2 });
    const cfg = config(root, {
      model: { pretrained: encoderDir, maxLength: 12, head: { hiddenDim: 8, dropout: 0.1, innerDropout: 0.1, wide: { enabled: false } } },
      schedule: { epochs: 2, unfreezing: { id: 'ulmfit' }, lr: { id: 'warmup-linear-per-epoch' } },
      optimizer: { baseLr: 1e-3 },
      training: { outDir: join(root, 'run'), batchSize: 8, logEverySteps: 1, modelSelection: 'best-validation' },
    });
    const { summary } = await runTrainJob(cfg);
    expect(summary.epochs).toBe(2);
    // The model's own four groups; ULMFiT's second stage adds the one under the head, whatever its name.
    expect(summary.layerGroups).toEqual(['embeddings', 'layer_0', 'layer_1', 'head']);
    expect(summary.history.map((e) => e.groups)).toEqual([['head'], ['head', 'layer_1']]);
    expect(existsSync(join(summary.bestModelDir!, 'model.safetensors'))).toBe(true);
    const loaded = await loadClassifier(summary.bestModelDir!);
    expect(loaded.labels).toEqual(cfg.model.labels);
    expect(loaded.head.wide).toBeUndefined();
    loaded.dispose();
  }, 60_000);

  it('with model.emojiTokens, puts the training messages\' emoji first into the vocabulary and saves the tokenizer that reads them', async () => {
    const root = dir();
    const encoderDir = join(root, 'encoder');
    writeTinyDistilBert(encoderDir, { words: [...WORDS, '[unused0]', '[unused1]', '[unused2]', '[unused3]'], layers: 1 });
    const train = join(root, 'train.jsonl');
    const rows = Array.from({ length: 24 }, (_, i) =>
      i % 2 === 0 ? { text: 'late again 😡', labels: ['frustration'] } : { text: i % 3 === 0 ? 'love this 🙏' : 'love this ❤️❤️', labels: ['satisfaction'] },
    );
    writeFileSync(train, rows.map((row) => JSON.stringify(row)).join('\n'));
    const cfg = parseConfig(trainJobConfigSchema, {
      data: { train: { path: train }, valFraction: 0.25 },
      model: { pretrained: encoderDir, maxLength: 12, emojiTokens: true, head: { hiddenDim: 8, wide: { buckets: 64 } } },
      schedule: { epochs: 1 },
      training: { outDir: join(root, 'run'), batchSize: 8 },
    });
    // Absent unless set, so the settings (and checkpoint fingerprints) of runs recorded before the option stay the same.
    expect(parseConfig(trainJobConfigSchema, { ...cfg, model: { pretrained: encoderDir } }).model).not.toHaveProperty('emojiTokens');
    const lines: string[] = [];
    const { summary } = await runTrainJob(cfg, { log: (line) => lines.push(line) });
    // Four slots: 😡 (12 times) and ❤ (16 times, twice in 8 messages) come first, each as a word and a continuation.
    expect(lines.find((line) => line.startsWith('emoji:'))).toMatch(/^emoji: 4 of \d+ emoji tokens in the vocabulary/);
    const loaded = await loadClassifier(summary.modelDir!);
    expect(loaded.tokenizer.encode('❤️❤️ 😡 🙏').tokens).toEqual(['[CLS]', '❤', '##❤', '😡', '[UNK]', '[SEP]']);
    loaded.dispose();
  }, 60_000);

  it('with model.emojiNames, saves a tokenizer that reads each emoji as its name, and refuses emojiTokens beside it', async () => {
    const root = dir();
    const encoderDir = join(root, 'encoder');
    writeTinyDistilBert(encoderDir, { words: [...WORDS, 'red', 'heart', 'enraged', 'face'], layers: 1 });
    const train = join(root, 'train.jsonl');
    const rows = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? { text: 'late again 😡', labels: ['frustration'] } : { text: 'love this ❤️❤️', labels: ['satisfaction'] }));
    writeFileSync(train, rows.map((row) => JSON.stringify(row)).join('\n'));
    const cfg = parseConfig(trainJobConfigSchema, {
      data: { train: { path: train }, valFraction: 0.25 },
      model: { pretrained: encoderDir, maxLength: 12, emojiNames: true, head: { hiddenDim: 8, wide: { buckets: 64 } } },
      schedule: { epochs: 1 },
      training: { outDir: join(root, 'run'), batchSize: 8 },
    });
    expect(parseConfig(trainJobConfigSchema, { ...cfg, model: { pretrained: encoderDir } }).model).not.toHaveProperty('emojiNames');
    const lines: string[] = [];
    const { summary } = await runTrainJob(cfg, { log: (line) => lines.push(line) });
    expect(lines).toContain(`emoji: read as their names (${emojiNameReplacements().length} replacements in the tokenizer's normaliser)`);
    const loaded = await loadClassifier(summary.modelDir!);
    // 🙏 reads "folded hands", words this vocabulary lacks.
    expect(loaded.tokenizer.encode('❤️❤️ 😡 🙏').tokens).toEqual(['[CLS]', 'red', 'heart', 'red', 'heart', 'enraged', 'face', '[UNK]', '[UNK]', '[SEP]']);
    loaded.dispose();
    const both = { ...cfg, model: { ...cfg.model, emojiTokens: true }, training: { ...cfg.training, outDir: join(root, 'both') } };
    await expect(runTrainJob(both)).rejects.toThrow('model.emojiTokens and model.emojiNames are both true: choose one');
  }, 60_000);

  it('with only data given, trains the default recipe: wide-and-deep head, BCE, the rate for the encoder, the last epoch kept', async () => {
    const root = dir();
    const encoderDir = join(root, 'encoder');
    writeTinyDistilBert(encoderDir, { words: WORDS, layers: 2 });
    // Everything but the data, the encoder, the run directory and sizes that keep the test quick is left to the defaults
    // (64 bigram buckets instead of 2^18: the test runs on the JavaScript kernels).
    const cfg = parseConfig(trainJobConfigSchema, {
      data: { train: { path: jsonl(join(root, 'train.jsonl'), 40) }, valFraction: 0.25 },
      model: { pretrained: encoderDir, maxLength: 12, head: { hiddenDim: 8, wide: { buckets: 64 } } },
      schedule: { epochs: 2 },
      training: { outDir: join(root, 'run'), batchSize: 8 },
    });
    const lines: string[] = [];
    const { summary } = await runTrainJob(cfg, { log: (line) => lines.push(line) });
    // The tiny encoder is narrower than DistilBERT-base, so the job trains at the stand-in's measured 3e-4, every group alike.
    expect(lines).toContain('optimizer.baseLr not set: 0.0003 for an encoder of hidden size 8');
    const recorded = JSON.parse(readFileSync(join(root, 'run', 'config.json'), 'utf8')) as TrainJobConfig;
    expect(recorded.optimizer.baseLr).toBe(3e-4);
    expect(recorded.loss.id).toBe('bce');
    expect(summary.history[0]!.groups).toEqual(['head', 'layer_1', 'layer_0', 'embeddings']); // every group from the first epoch
    expect(summary.modelSelection).toBe('last-epoch');
    expect(summary.modelDir).toBe(join(root, 'run', 'last-model'));
    expect(summary.bestModelDir).toBeNull();
    const loaded = await loadClassifier(summary.modelDir!);
    expect(loaded.head.wide).toEqual({ enabled: true, buckets: 64, bigrams: true, lrMultiplier: 300 });
    loaded.dispose();
  }, 60_000);
});
