import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClassifier, layerGroupNames, type MultiLabelClassifier } from '@mangaassist/core-model';
import { bceLoss, LABELS, toyExamples, useCpuBackend, VOCAB, writeTinyDistilBert } from './__tests__/fixtures';
import { createLrScheduleRegistry, createUnfreezingRegistry } from './registries';
import { trainClassifier, type OptimizerSettings } from './train-loop';
import type { EpochRecord } from './train-records';

beforeAll(useCpuBackend);

// Enough words for the toy examples' token ids (below VOCAB) after the five special tokens.
const WORDS = Array.from({ length: VOCAB - 5 }, (_, i) => `w${i}`);
const OPTIMIZER: OptimizerSettings = { baseLr: 1e-3, lrDecay: 2.6, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradClipNorm: 1 };

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'trainer-depths-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A random DistilBERT classifier of `layers` layers: core-model decides its groups. */
async function classifier(layers: number): Promise<MultiLabelClassifier> {
  const dir = join(root, `encoder-${layers}`);
  writeTinyDistilBert(dir, { words: WORDS, layers });
  return createClassifier(dir, { labels: [...LABELS], seed: 5, maxLength: 16, head: { hiddenDim: 8 } });
}

/** Every variable's values, by group name. */
function snapshot(model: MultiLabelClassifier): Record<string, Float32Array[]> {
  return Object.fromEntries(Object.entries(model.variablesByGroup()).map(([g, vs]) => [g, vs.map((v) => v.dataSync().slice() as Float32Array)]));
}

const changedGroups = (before: Record<string, Float32Array[]>, after: Record<string, Float32Array[]>) =>
  Object.keys(before).filter((g) => before[g]!.some((values, i) => values.some((x, j) => x !== after[g]![i]![j])));

/** Trains `epochs` epochs under the schedule; returns the groups whose variables moved in each epoch and the epoch records. */
async function train(model: MultiLabelClassifier, optimizer: OptimizerSettings, { schedule = 'ulmfit', scheduleOptions = {} as unknown, epochs = 4 } = {}) {
  const moved: string[][] = [];
  let before = snapshot(model);
  const loss = bceLoss();
  const summary = await trainClassifier({
    classifier: model,
    loss,
    train: toyExamples(16, 1),
    validation: toyExamples(8, 2),
    unfreezing: createUnfreezingRegistry().create(schedule, scheduleOptions, undefined),
    lrSchedule: createLrScheduleRegistry().create('constant', {}, undefined),
    optimizer,
    epochs,
    batchSize: 8,
    seed: 11,
    runDir: join(root, `run-${Math.random().toString(36).slice(2)}`),
    reporter: {
      onEpoch: () => {
        const after = snapshot(model);
        moved.push(changedGroups(before, after));
        before = after;
      },
    },
  });
  loss.dispose();
  return { moved, history: summary.history as readonly EpochRecord[], layerGroups: summary.layerGroups };
}

describe('ULMFiT and discriminative rates at any depth (random DistilBERT classifiers)', () => {
  // Groups first to last; ULMFiT trains the head, then one more group per epoch from the top, then every group.
  it.each([
    [2, [['head'], ['layer_1', 'head'], ['layer_0', 'layer_1', 'head'], ['embeddings', 'layer_0', 'layer_1', 'head']]],
    [4, [['head'], ['layer_3', 'head'], ['layer_1_2', 'layer_3', 'head'], ['embeddings', 'layer_0', 'layer_1_2', 'layer_3', 'head']]],
    [6, [['head'], ['layer_4_5', 'head'], ['layer_2_3', 'layer_4_5', 'head'], ['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head']]],
    [12, [['head'], ['layer_8_11', 'head'], ['layer_4_7', 'layer_8_11', 'head'], ['embeddings', 'layer_0_3', 'layer_4_7', 'layer_8_11', 'head']]],
  ])('%i layers: ULMFiT trains the variables of exactly the expected groups in epochs 1-4', async (layers, expected) => {
    const model = await classifier(layers);
    const { moved, history, layerGroups } = await train(model, OPTIMIZER);
    expect(layerGroups).toEqual(layerGroupNames(layers));
    expect(moved).toEqual(expected);
    // The records list the same groups from the top, each at base / 2.6^(its distance below the head).
    expect(history.map((e) => e.groups)).toEqual(expected.map((groups) => [...groups].reverse()));
    const last = history.at(-1)!;
    [...layerGroups].reverse().forEach((group, depth) => {
      expect(Math.abs(last.learningRates[group]! - 1e-3 / 2.6 ** depth) / (1e-3 / 2.6 ** depth)).toBeLessThan(1e-12);
    });
    model.dispose();
  }, 60_000);

  it.each([2, 12])('%i layers: a (low, high) pair puts the embeddings at low and the head at high', async (layers) => {
    const model = await classifier(layers);
    const { moved, history, layerGroups } = await train(model, { ...OPTIMIZER, lrRange: [1e-5, 1e-3] }, { schedule: 'full', epochs: 1 });
    expect(moved).toEqual([layerGroups]);
    const rates = layerGroups.map((g) => history[0]!.learningRates[g]!);
    expect(rates[0]).toBe(1e-5);
    expect(rates.at(-1)).toBe(1e-3);
    // Spread geometrically: the same factor between neighbours whatever the number of groups.
    const factor = (1e-3 / 1e-5) ** (1 / (layerGroups.length - 1));
    for (let i = 1; i < rates.length; i++) expect(Math.abs(rates[i]! / rates[i - 1]! - factor) / factor).toBeLessThan(1e-9);
    model.dispose();
  }, 60_000);
});

describe('a custom unfreezing plan at any depth (random DistilBERT classifiers)', () => {
  // A custom plan by position, in its three forms: the group under the head, the embeddings and the head, the top
  // three groups, every group — the same plan at every depth, no group named.
  it.each([
    [2, [['layer_1'], ['embeddings', 'head'], ['layer_0', 'layer_1', 'head'], ['embeddings', 'layer_0', 'layer_1', 'head']]],
    [4, [['layer_3'], ['embeddings', 'head'], ['layer_1_2', 'layer_3', 'head'], ['embeddings', 'layer_0', 'layer_1_2', 'layer_3', 'head']]],
    [6, [['layer_4_5'], ['embeddings', 'head'], ['layer_2_3', 'layer_4_5', 'head'], ['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head']]],
  ])('%i layers: custom [[-2], [0, -1], 3, "all"] trains the variables of exactly the expected groups in epochs 1-4', async (layers, expected) => {
    const model = await classifier(layers);
    const { moved, history } = await train(model, OPTIMIZER, { schedule: 'custom', scheduleOptions: { epochs: [[-2], [0, -1], 3, 'all'] } });
    expect(moved).toEqual(expected);
    expect(history.map((e) => e.groups)).toEqual(expected.map((groups) => [...groups].reverse()));
    model.dispose();
  }, 60_000);

  it('a custom plan listing a group index the model lacks fails before training, naming the field', async () => {
    const model = await classifier(2);
    const before = snapshot(model);
    await expect(train(model, OPTIMIZER, { schedule: 'custom', scheduleOptions: { epochs: [1, [-5]] } })).rejects.toThrow(
      /options\.epochs\.1\.0 is group -5, but the model has 4 layer groups/,
    );
    expect(changedGroups(before, snapshot(model))).toEqual([]);
    model.dispose();
  }, 60_000);
});
