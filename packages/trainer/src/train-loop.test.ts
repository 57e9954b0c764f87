import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isMangaAssistError } from '@mangaassist/common';
import { layerGroupNames } from '@mangaassist/core-model';
import { bceLoss, LABELS, toyExamples, useCpuBackend, VOCAB } from './__tests__/fixtures';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import type { TrainableClassifier } from './classifier';
import { MetricsLog } from './metrics-log';
import { evaluateClassifier } from './evaluate';
import { createLrScheduleRegistry, createUnfreezingRegistry } from './registries';
import { createTinyClassifier, loadTinyClassifier } from './testing/tiny-classifier';
import { isBetterEpoch, trainClassifier, type TrainOptions } from './train-loop';
import type { EpochRecord, StepRecord } from './train-records';

beforeAll(useCpuBackend);

const unfreezing = createUnfreezingRegistry();
const lrSchedules = createLrScheduleRegistry();
const train = toyExamples(64, 1);
const validation = toyExamples(32, 2);
const optimizer = { baseLr: 3e-5, lrDecay: 2.6, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradClipNorm: 1 };
const runDir = () => mkdtempSync(join(tmpdir(), 'trainer-run-'));
/** The tiny classifier's groups, first to last: those of a 6-layer DistilBERT classifier. */
const LAYER_GROUPS = layerGroupNames(6);
type LayerGroup = string;
const tiny = (seed = 7, dropout = 0.1) => createTinyClassifier({ labels: LABELS, vocabSize: VOCAB, dim: 8, seed, dropout });

function options(overrides: Partial<TrainOptions> & Pick<TrainOptions, 'classifier' | 'loss'>): TrainOptions {
  return {
    train,
    validation,
    unfreezing: unfreezing.create('ulmfit', {}, undefined),
    lrSchedule: lrSchedules.create('warmup-linear-per-epoch', {}, undefined),
    optimizer: { ...optimizer, baseLr: 3e-2 },
    epochs: 4,
    batchSize: 8,
    seed: 42,
    runDir: runDir(),
    logEverySteps: 1,
    ...overrides,
  };
}

function snapshot(model: TrainableClassifier): Record<LayerGroup, Float32Array[]> {
  const groups = model.variablesByGroup();
  return Object.fromEntries(LAYER_GROUPS.map((g) => [g, (groups[g] ?? []).map((v) => v.dataSync().slice() as Float32Array)])) as Record<
    LayerGroup,
    Float32Array[]
  >;
}

const sameArrays = (a: Float32Array[], b: Float32Array[]) => a.length === b.length && a.every((x, i) => Buffer.compare(Buffer.from(x.buffer), Buffer.from(b[i]!.buffer)) === 0);
const withoutTiming = (records: readonly EpochRecord[]) => records.map(({ seconds: _seconds, ...rest }) => rest);

/** Counts gradient computations reaching the embeddings: a frozen group must never get one. */
function probed(model: TrainableClassifier): { model: TrainableClassifier; embeddingGradients: () => number } {
  let count = 0;
  const probe = tf.customGrad((x: tf.Tensor | tf.GradSaveFunc) => ({
    value: tf.clone(x as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => {
      count++;
      return dy;
    },
  }));
  return {
    embeddingGradients: () => count,
    model: {
      labels: model.labels,
      variablesByGroup: () => model.variablesByGroup(),
      save: (dir) => model.save(dir),
      dispose: () => model.dispose(),
      apply: (ids, mask, o) =>
        tf.tidy(() => tf.add(model.apply(ids, mask, o), tf.mul(tf.sum(probe(model.variablesByGroup().embeddings![0]!)), 0))),
    },
  };
}

describe('isBetterEpoch', () => {
  it.each([
    [0.5, 0.3, null, true],
    [0.5, 0.3, { macroF1: 0.4, loss: 0.1 }, true],
    [0.4, 0.1, { macroF1: 0.5, loss: 0.3 }, false],
    [0, 0.3, { macroF1: 0, loss: 0.4 }, true], // tie broken by the lower loss
    [0, 0.4, { macroF1: 0, loss: 0.4 }, false],
    [0, undefined, { macroF1: 0, loss: 0.4 }, false],
  ])('macro-F1 %d, loss %d vs %j: %s', (f1, loss, best, expected) => {
    expect(isBetterEpoch(f1, loss, best)).toBe(expected);
  });
});

describe('trainClassifier', () => {
  it('keeps frozen groups unchanged, computes no gradients for them and gives them no optimizer state', async () => {
    const { model, embeddingGradients } = probed(tiny());
    const loss = bceLoss({ learnableBias: true });
    const initial = snapshot(model);
    const afterEpoch: Record<number, Record<LayerGroup, Float32Array[]>> = {};
    const gradientsAfterEpoch: Record<number, number> = {};
    const dir = runDir();
    const stateAfterEpoch: Record<number, string[]> = {};
    await trainClassifier(
      options({
        classifier: model,
        loss,
        runDir: dir,
        reporter: {
          onEpoch: (r) => {
            afterEpoch[r.epoch] = snapshot(model);
            gradientsAfterEpoch[r.epoch] = embeddingGradients();
          },
          onCheckpoint: ({ epoch }) => {
            stateAfterEpoch[epoch - 1] = Object.keys(readCheckpoint<{ optimizerSteps: Record<string, number> }>(join(dir, 'checkpoint.safetensors')).state.optimizerSteps);
          },
        },
      }),
    );
    const changed = (epoch: number, group: LayerGroup, before = initial) => !sameArrays(before[group], afterEpoch[epoch]![group]);
    // Epoch 1: head only.
    expect(LAYER_GROUPS.filter((g) => changed(1, g))).toEqual(['head']);
    // Epoch 2: + layer_4_5; the lower groups still hold their initial values.
    expect(LAYER_GROUPS.filter((g) => changed(2, g))).toEqual(['layer_4_5', 'head']);
    expect(LAYER_GROUPS.filter((g) => changed(3, g))).toEqual(['layer_2_3', 'layer_4_5', 'head']);
    expect(LAYER_GROUPS.filter((g) => changed(4, g, afterEpoch[3]))).toEqual([...LAYER_GROUPS]);
    expect(gradientsAfterEpoch[3]).toBe(0);
    expect(gradientsAfterEpoch[4]).toBeGreaterThan(0);
    expect(stateAfterEpoch[1]!.sort()).toEqual(['loss/0', 'model/head/0', 'model/head/1']);
    expect(stateAfterEpoch[2]!.sort()).toEqual(['loss/0', 'model/head/0', 'model/head/1', 'model/layer_4_5/0', 'model/layer_4_5/1']);
    expect(stateAfterEpoch[4]).toHaveLength(1 + 2 * 3 + 2 + 1); // embeddings, three dense groups, head, loss
    model.dispose();
    loss.dispose();
  });

  it('trains each group at its discriminative rate and the loss variables at the head rate', async () => {
    // One AdamW step from zero-initialised biases moves each by lr·g/(|g| + ε) ≈ ±lr, so the step size reads off the rate.
    const model = tiny(7, 0);
    const loss = bceLoss({ learnableBias: true });
    const before = snapshot(model);
    const dir = runDir();
    const steps: StepRecord[] = [];
    await trainClassifier(
      options({
        classifier: model,
        loss,
        runDir: dir,
        optimizer,
        unfreezing: unfreezing.create('full', {}, undefined),
        lrSchedule: lrSchedules.create('constant', {}, undefined),
        maxSteps: 1,
        reporter: { onStep: (r) => void steps.push(r) },
      }),
    );
    const after = snapshot(model);
    const expected: Record<string, number> = { head: 3e-5, layer_4_5: 1.15e-5, layer_2_3: 4.44e-6, layer_0_1: 1.71e-6 };
    for (const [group, lr] of Object.entries(expected)) {
      const bias = 1; // index of the bias in each dense group of the tiny model
      const moved = after[group as LayerGroup][bias]!.map((x, i) => Math.abs(x - before[group as LayerGroup][bias]![i]!));
      for (const step of moved) expect(Math.abs(step - lr) / lr).toBeLessThan(5e-3);
      expect(Math.abs(steps[0]!.lr[group as LayerGroup]! - lr) / lr).toBeLessThan(5e-3);
    }
    expect(Math.abs(steps[0]!.lr.embeddings! - 6.57e-7) / 6.57e-7).toBeLessThan(5e-3);
    for (const x of loss.bias!.dataSync()) expect(Math.abs(Math.abs(x) - 3e-5) / 3e-5).toBeLessThan(5e-3);
    model.dispose();
    loss.dispose();
  });

  it("trains the variables a classifier lists in learningRateMultipliers at their group's rate times the multiplier", async () => {
    // As above: one AdamW step from a zero bias moves it by ≈ ±lr. The head bias gets × 40 (what a wide n-gram table
    // of the DistilBERT classifier gets from head.wide.lrMultiplier); the head kernel and layer_4_5 keep their rates.
    const base = tiny(7, 0);
    const headBias = base.variablesByGroup().head![1]!;
    const model: TrainableClassifier = {
      labels: base.labels,
      apply: (ids, mask, o) => base.apply(ids, mask, o),
      variablesByGroup: () => base.variablesByGroup(),
      learningRateMultipliers: () => new Map([[headBias.name, 40]]),
      save: (dir) => base.save(dir),
      dispose: () => base.dispose(),
    };
    const loss = bceLoss();
    const before = snapshot(model);
    await trainClassifier(
      options({
        classifier: model,
        loss,
        optimizer,
        unfreezing: unfreezing.create('full', {}, undefined),
        lrSchedule: lrSchedules.create('constant', {}, undefined),
        maxSteps: 1,
      }),
    );
    const after = snapshot(model);
    const moved = (group: LayerGroup, index: number) => after[group][index]!.map((x, i) => Math.abs(x - before[group][index]![i]!));
    for (const step of moved('head', 1)) expect(Math.abs(step - 40 * 3e-5) / (40 * 3e-5)).toBeLessThan(5e-3);
    for (const step of moved('layer_4_5', 1)) expect(Math.abs(step - 1.15e-5) / 1.15e-5).toBeLessThan(5e-3);
    // The head kernel (not listed) moves by at most its group's rate, plus AdamW's decay of the weight itself.
    expect(Math.max(...moved('head', 0))).toBeLessThan(3.1e-5);
    model.dispose();

    const unknown = tiny();
    const listing = (name: string, value: number): TrainableClassifier => ({ ...unknown, learningRateMultipliers: () => new Map([[name, value]]) });
    await expect(trainClassifier(options({ classifier: listing('nope', 2), loss }))).rejects.toThrow(
      "learningRateMultipliers names nope, which is not one of the classifier's trainable variables",
    );
    const bias = unknown.variablesByGroup().head![1]!.name;
    await expect(trainClassifier(options({ classifier: listing(bias, 0), loss }))).rejects.toThrow(
      `learning-rate multiplier of ${bias} must be a finite number > 0, got 0`,
    );
    unknown.dispose();
    loss.dispose();
  });

  it('refuses a schedule that returns a group the model does not have', async () => {
    const model = tiny();
    const loss = bceLoss();
    await expect(trainClassifier(options({ classifier: model, loss, unfreezing: { groupsAt: (_epoch, count) => [count] } }))).rejects.toThrow(
      'epoch 1: the unfreezing schedule returned group 5, but the model has groups 0..4',
    );
    model.dispose();
    loss.dispose();
  });

  it('logs the peak rate of each trainable group per epoch', async () => {
    const model = tiny();
    const loss = bceLoss();
    const dir = runDir();
    await trainClassifier(options({ classifier: model, loss, runDir: dir, optimizer, epochs: 2 }));
    const epochs = MetricsLog.read(join(dir, 'metrics.jsonl')).filter((r): r is EpochRecord => r.type === 'epoch');
    expect(epochs.map((e) => e.groups)).toEqual([['head'], ['head', 'layer_4_5']]);
    expect(epochs[1]!.learningRates).toEqual({ head: 3e-5, layer_4_5: 3e-5 / 2.6 });
    model.dispose();
    loss.dispose();
  });

  it('writes the run directory: metrics log, checkpoint, best model, summary and report', async () => {
    const model = tiny();
    const loss = bceLoss();
    const dir = runDir();
    const summary = await trainClassifier(options({ classifier: model, loss, runDir: dir }));
    expect(readdirSync(dir).sort()).toEqual(
      ['best-model', 'checkpoint.safetensors', 'curves.svg', 'metrics.jsonl', 'report.md', 'summary.json'].sort(),
    );
    expect(summary.stopReason).toBe('completed');
    expect(summary.epochs).toBe(4);
    expect(summary.globalStep).toBe(4 * 8);
    expect(summary.evalLabels).toEqual(['alpha', 'beta', 'gamma']); // 'never' has no positive example
    const history = summary.history;
    expect(Object.keys(history[0]!.validation.perLabel)).toEqual(['alpha', 'beta', 'gamma']);
    // The toy task is learnable: the classifier ends well above chance.
    expect(summary.best!.macroF1).toBeGreaterThan(0.5);
    expect(summary.best!.macroF1).toBe(Math.max(...history.map((e) => e.validation.macroF1)));
    // The best model on disk is the best epoch's.
    const best = loadTinyClassifier(join(dir, 'best-model'));
    const bestEval = await evaluateClassifier(best, validation, { labels: summary.evalLabels });
    expect(bestEval.metrics.macroF1).toBe(summary.best!.macroF1);
    best.dispose();
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).best.epoch).toBe(summary.best!.epoch);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain(`best validation macro-F1: **${summary.best!.macroF1.toFixed(4)}**`);
    expect(readFileSync(join(dir, 'curves.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
    // By default the kept model is the best validation epoch's.
    expect(summary.modelSelection).toBe('best-validation');
    expect(summary.modelDir).toBe(join(dir, 'best-model'));
    expect(summary.modelDir).toBe(summary.bestModelDir);
    model.dispose();
    loss.dispose();
  });

  it("keeps the last epoch's model in last-model/ (and no best-model/) with modelSelection last-epoch", async () => {
    const model = tiny();
    const loss = bceLoss();
    const dir = runDir();
    const lines: string[] = [];
    const summary = await trainClassifier(options({ classifier: model, loss, runDir: dir, modelSelection: 'last-epoch', reporter: { onEpoch: (r) => void lines.push(`epoch ${r.epoch}`) } }));
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.safetensors', 'curves.svg', 'last-model', 'metrics.jsonl', 'report.md', 'summary.json'].sort());
    expect(lines).toEqual(['epoch 1', 'epoch 2', 'epoch 3', 'epoch 4']);
    expect(summary.modelSelection).toBe('last-epoch');
    expect(summary.modelDir).toBe(join(dir, 'last-model'));
    expect(summary.bestModelDir).toBeNull();
    // Validation is still tracked: the best epoch is reported though its model is not kept.
    expect(summary.best!.macroF1).toBe(Math.max(...summary.history.map((e) => e.validation.macroF1)));
    const last = summary.history.at(-1)!;
    expect(last.epoch).toBe(4);
    const kept = loadTinyClassifier(summary.modelDir!);
    const keptEval = await evaluateClassifier(kept, validation, { labels: summary.evalLabels });
    kept.dispose();
    expect(keptEval.metrics.macroF1).toBe(last.validation.macroF1);
    expect(keptEval.metrics.exactMatch).toBe(last.validation.exactMatch);
    expect(keptEval.metrics.hammingLoss).toBe(last.validation.hammingLoss);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ modelSelection: 'last-epoch', modelDir: join(dir, 'last-model'), bestModelDir: null });
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain(
      `model kept: last epoch (4) in last-model/, modelSelection last-epoch; best validation macro-F1 ${summary.best!.macroF1.toFixed(4)} at epoch ${summary.best!.epoch}`,
    );
    model.dispose();
    loss.dispose();
  });

  it('keeps the model of every epoch when asked, each equal to that epoch\'s validation figures', async () => {
    const model = tiny();
    const loss = bceLoss();
    const dir = runDir();
    // A longer earlier run's folders must not pass for this run's.
    mkdirSync(join(dir, 'epoch-7'));
    mkdirSync(join(dir, '.epoch-8.tmp'));
    const summary = await trainClassifier(options({ classifier: model, loss, runDir: dir, epochs: 3, keepEpochModels: true }));
    expect(readdirSync(dir).filter((name) => name.includes('epoch-')).sort()).toEqual(['epoch-1', 'epoch-2', 'epoch-3']);
    for (const record of summary.history) {
      const kept = loadTinyClassifier(join(dir, `epoch-${record.epoch}`));
      const evaluation = await evaluateClassifier(kept, validation, { labels: summary.evalLabels });
      expect(evaluation.metrics.macroF1).toBe(record.validation.macroF1);
      kept.dispose();
    }
    model.dispose();
    loss.dispose();
  });

  it('is deterministic: the same seed gives the same metrics and weights, another seed does not', async () => {
    const run = async (seed: number) => {
      const model = tiny();
      const loss = bceLoss({ learnableBias: true });
      const summary = await trainClassifier(options({ classifier: model, loss, seed, epochs: 2 }));
      const weights = snapshot(model);
      model.dispose();
      loss.dispose();
      return { history: withoutTiming(summary.history), weights };
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(b.history).toEqual(a.history);
    for (const g of LAYER_GROUPS) expect(sameArrays(a.weights[g], b.weights[g])).toBe(true);
    expect(sameArrays(a.weights.head, c.weights.head)).toBe(false);
  });

  it('resumes an interrupted run to exactly the metrics and weights of an uninterrupted one', async () => {
    const base = { epochs: 3, checkpointEverySteps: 5 };
    const straightModel = tiny();
    const straightLoss = bceLoss({ learnableBias: true });
    const straight = await trainClassifier(options({ ...base, classifier: straightModel, loss: straightLoss }));

    const dir = runDir();
    const controller = new AbortController();
    const first = tiny();
    const firstLoss = bceLoss({ learnableBias: true });
    const interrupted = await trainClassifier(
      options({
        ...base,
        classifier: first,
        loss: firstLoss,
        runDir: dir,
        signal: controller.signal,
        reporter: { onStep: (r) => (r.globalStep === 11 ? controller.abort() : undefined) },
      }),
    );
    expect(interrupted.stopReason).toBe('interrupted');
    expect(interrupted.globalStep).toBe(11);
    first.dispose();
    firstLoss.dispose();

    // A fresh process would build the model from the same seed; the checkpoint then overwrites every variable.
    const second = tiny(999);
    const secondLoss = bceLoss({ learnableBias: true });
    const resumed = await trainClassifier(options({ ...base, classifier: second, loss: secondLoss, runDir: dir, resume: true }));
    expect(resumed.stopReason).toBe('completed');
    expect(withoutTiming(resumed.history)).toEqual(withoutTiming(straight.history));
    for (const g of LAYER_GROUPS) expect(sameArrays(snapshot(second)[g], snapshot(straightModel)[g])).toBe(true);
    expect([...secondLoss.bias!.dataSync()]).toEqual([...straightLoss.bias!.dataSync()]);
    const types = MetricsLog.read(join(dir, 'metrics.jsonl')).map((r) => r.type);
    expect(types.filter((t) => t === 'resume')).toHaveLength(1);
    expect(types.filter((t) => t === 'step')).toHaveLength(3 * 8);
    [straightModel, second].forEach((m) => m.dispose());
    [straightLoss, secondLoss].forEach((l) => l.dispose());
  });

  it('stops early when macro-F1 stops improving, and at maxSteps', async () => {
    const model = tiny();
    const loss = bceLoss();
    // A schedule that never lets the weights move: no epoch after the first improves.
    const stalled = await trainClassifier(options({ classifier: model, loss, lrSchedule: { factor: () => 0 }, earlyStoppingPatience: 2, epochs: 6 }));
    expect(stalled.stopReason).toBe('early-stopping');
    expect(stalled.epochs).toBe(3);
    expect(stalled.best!.epoch).toBe(1);

    const capped = await trainClassifier(options({ classifier: model, loss, maxSteps: 11 }));
    expect(capped.stopReason).toBe('max-steps');
    expect(capped.globalStep).toBe(11);
    expect(capped.history.map((e) => e.steps)).toEqual([8, 3]);
    model.dispose();
    loss.dispose();
  });

  it('still stops early on validation macro-F1 with modelSelection last-epoch, keeping the last epoch run', async () => {
    const model = tiny();
    const loss = bceLoss();
    const dir = runDir();
    const stalled = await trainClassifier(
      options({ classifier: model, loss, runDir: dir, lrSchedule: { factor: () => 0 }, earlyStoppingPatience: 2, epochs: 6, modelSelection: 'last-epoch' }),
    );
    expect(stalled.stopReason).toBe('early-stopping');
    expect(stalled.epochs).toBe(3);
    expect(stalled.best!.epoch).toBe(1);
    expect(stalled.modelDir).toBe(join(dir, 'last-model'));
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('model kept: last epoch (3) in last-model/');
    model.dispose();
    loss.dispose();
  });

  it('refuses to resume under another configuration or without a checkpoint', async () => {
    const model = tiny();
    const loss = bceLoss();
    const dir = runDir();
    await trainClassifier(options({ classifier: model, loss, runDir: dir, epochs: 1, fingerprint: 'a' }));
    await expect(trainClassifier(options({ classifier: model, loss, runDir: dir, resume: true, fingerprint: 'b' }))).rejects.toThrow(
      /checkpoint\.safetensors: was written by a different configuration/,
    );
    await expect(trainClassifier(options({ classifier: model, loss, runDir: dir, resume: true, fingerprint: 'a', train: train.slice(0, 40) }))).rejects.toThrow(
      /64 training examples/,
    );
    const empty = runDir();
    const failure = await trainClassifier(options({ classifier: model, loss, runDir: empty, resume: true })).catch((e: unknown) => e);
    expect(isMangaAssistError(failure, 'NOT_FOUND')).toBe(true);
    expect(existsSync(join(empty, 'metrics.jsonl'))).toBe(false);
    model.dispose();
    loss.dispose();
  });

  it('refuses to resume from a checkpoint whose state is malformed or damaged, naming the file and the field', async () => {
    const model = tiny();
    const loss = bceLoss();
    const dir = runDir();
    await trainClassifier(options({ classifier: model, loss, runDir: dir, epochs: 1 }));
    const path = join(dir, 'checkpoint.safetensors');
    const { tensors, state } = readCheckpoint<Record<string, unknown>>(path);
    const resume = () => trainClassifier(options({ classifier: model, loss, runDir: dir, resume: true }));
    // Well-formed file, ill-formed state (as a foreign or hand-edited checkpoint would have).
    writeCheckpoint(path, { tensors, state: { ...state, globalStep: -3, best: { epoch: 1 } } });
    const failure = await resume().catch((e: unknown) => e);
    expect(isMangaAssistError(failure, 'CHECKPOINT_INVALID')).toBe(true);
    expect((failure as Error).message).toMatch(/checkpoint\.safetensors: training state is invalid:\n {2}- state\.globalStep: .*\n {2}- state\.best\.macroF1: /);
    // A damaged file: one flipped bit in the last tensor value.
    writeCheckpoint(path, { tensors, state });
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 0x01;
    writeFileSync(path, bytes);
    await expect(resume()).rejects.toThrow(/checkpoint\.safetensors: contents do not match the recorded SHA-256/);
    model.dispose();
    loss.dispose();
  });

  it('does not leak tensors', async () => {
    const model = tiny();
    const loss = bceLoss({ learnableBias: true });
    await trainClassifier(options({ classifier: model, loss, epochs: 1 }));
    const before = tf.memory().numTensors;
    await trainClassifier(options({ classifier: model, loss, epochs: 2 }));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    loss.dispose();
  });

  it('rejects inconsistent inputs naming the parameter', async () => {
    const model = tiny();
    const loss = bceLoss();
    await expect(trainClassifier(options({ classifier: model, loss, batchSize: 0 }))).rejects.toThrow(/batchSize/);
    await expect(trainClassifier(options({ classifier: model, loss, validation: [] }))).rejects.toThrow(/validation/);
    await expect(
      trainClassifier(options({ classifier: model, loss, train: [{ inputIds: [1, 2], targets: [1] }] })),
    ).rejects.toThrow(/train\[0\] has 1 targets but the classifier has 4 labels/);
    model.dispose();
    loss.dispose();
  });
});
