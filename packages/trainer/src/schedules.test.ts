import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { layerGroupNames } from '@mangaassist/core-model';
import type { LrPosition } from './lr-schedule';
import { createLrScheduleRegistry, createUnfreezingRegistry } from './registries';

const unfreezing = createUnfreezingRegistry();
const lr = createLrScheduleRegistry();

/** Plugin ids from the files of a folder (kebab-case file name = id). */
function pluginFiles(folder: string): string[] {
  return readdirSync(join(__dirname, folder))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

describe('plugin registries', () => {
  it('register exactly the unfreezing schedules of src/unfreezing/', () => {
    expect(unfreezing.ids()).toEqual(pluginFiles('unfreezing'));
    expect(unfreezing.ids()).toEqual(['custom', 'full', 'head-only', 'ulmfit']);
  });

  it('register exactly the LR schedules of src/lr-schedules/', () => {
    expect(lr.ids()).toEqual(pluginFiles('lr-schedules'));
    expect(lr.ids()).toEqual(['constant', 'stlr', 'warmup-linear-per-epoch']);
  });

  it('name the known ids for an unknown one', () => {
    try {
      unfreezing.create('gradual', {}, undefined);
      throw new Error('expected a failure');
    } catch (error) {
      expect(isMangaAssistError(error, 'PLUGIN_UNKNOWN')).toBe(true);
      expect((error as Error).message).toContain('known: custom, full, head-only, ulmfit');
    }
  });

  it.each([
    ['custom', { epochs: [[-1, 'layer_9']] }, /unfreezing schedule\[custom\]\.options\.epochs\.0\.1/],
    ['custom', { epochs: [] }, /epochs/],
    ['custom', { epochs: [[-1, -1]] }, /listed twice/],
    ['ulmfit', { epochsPerStage: 0 }, /epochsPerStage/],
    ['full', { extra: 1 }, /unknown key/],
  ])('validate %s options %j', (id, options, message) => {
    expect(() => unfreezing.create(id, options, undefined)).toThrow(message);
  });

  it('list options as JSON Schema', () => {
    const stlr = lr.list().find((p) => p.id === 'stlr')!;
    expect(JSON.stringify(stlr.optionsJsonSchema)).toContain('cutFraction');
  });
});

/** The names of the groups a schedule trains at `epoch` in a DistilBERT classifier of `layers` layers. */
function trainedAt(id: string, options: unknown, epoch: number, layers = 6): string[] {
  const names = layerGroupNames(layers);
  return unfreezing.create(id, options, undefined).groupsAt(epoch, names.length).map((i) => names[i]!);
}

describe('unfreezing schedules', () => {
  const all = layerGroupNames(6);
  it.each([
    ['ulmfit', {}, 1, ['head']],
    ['ulmfit', {}, 2, ['head', 'layer_4_5']],
    ['ulmfit', {}, 3, ['head', 'layer_4_5', 'layer_2_3']],
    ['ulmfit', {}, 4, all],
    ['ulmfit', {}, 9, all],
    ['ulmfit', { epochsPerStage: 2 }, 2, ['head']],
    ['ulmfit', { epochsPerStage: 2 }, 3, ['head', 'layer_4_5']],
    ['ulmfit', { epochsPerStage: 2 }, 7, all],
    ['head-only', {}, 1, ['head']],
    ['head-only', {}, 6, ['head']],
    ['full', {}, 1, all],
    ['custom', { epochs: [[-1], [-1, 0]] }, 1, ['head']],
    ['custom', { epochs: [[-1], [-1, 0]] }, 2, ['head', 'embeddings']],
    ['custom', { epochs: [[-1], [-1, 0]] }, 5, ['head', 'embeddings']],
    ['custom', { epochs: [1, 2, 'all'] }, 2, ['head', 'layer_4_5']],
    ['custom', { epochs: [1, 2, 'all'] }, 3, all],
    ['custom', { epochs: [9] }, 1, all],
  ])('%s %j trains at epoch %i: %j', (id, options, epoch, groups) => {
    expect(trainedAt(id, options, epoch).sort()).toEqual([...groups].sort());
  });

  it('counts epochs from 1', () => {
    expect(() => unfreezing.create('ulmfit', {}, undefined).groupsAt(0, 5)).toThrow(RangeError);
  });

  // ULMFiT by position from the top at every depth: the head, + the group under it, + the next, then every group.
  // The embeddings wait for the last stage even when a shallow model has fewer groups than the gradual stages.
  it.each([
    [1, [['head'], ['layer_0', 'head'], ['layer_0', 'head'], ['embeddings', 'layer_0', 'head']]],
    [2, [['head'], ['layer_1', 'head'], ['layer_0', 'layer_1', 'head'], ['embeddings', 'layer_0', 'layer_1', 'head']]],
    [4, [['head'], ['layer_3', 'head'], ['layer_1_2', 'layer_3', 'head'], ['embeddings', 'layer_0', 'layer_1_2', 'layer_3', 'head']]],
    [6, [['head'], ['layer_4_5', 'head'], ['layer_2_3', 'layer_4_5', 'head'], ['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head']]],
    [12, [['head'], ['layer_8_11', 'head'], ['layer_4_7', 'layer_8_11', 'head'], ['embeddings', 'layer_0_3', 'layer_4_7', 'layer_8_11', 'head']]],
  ])('ulmfit on %i layers trains, epoch by epoch, %j', (layers, stages) => {
    expect([1, 2, 3, 4, 5].map((epoch) => trainedAt('ulmfit', {}, epoch, layers))).toEqual([...stages, stages.at(-1)]);
  });

  it('ulmfit climbs one group per stage on a model with more groups than its gradual stages', () => {
    const s = unfreezing.create('ulmfit', {}, undefined);
    expect([1, 2, 3, 4].map((epoch) => s.groupsAt(epoch, 8))).toEqual([[7], [6, 7], [5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7]]);
  });

  it('custom group indices count from the top when negative and from the embeddings otherwise, at any depth', () => {
    const plan = { epochs: [[-1, -2], [-3], [-4, 0]] };
    expect([1, 2, 3].map((epoch) => trainedAt('custom', plan, epoch, 4))).toEqual([['layer_3', 'head'], ['layer_1_2'], ['embeddings', 'layer_0']]);
    expect([1, 2, 3].map((epoch) => trainedAt('custom', plan, epoch, 2))).toEqual([['layer_1', 'head'], ['layer_0'], ['embeddings']]);
    expect([1, 2, 3].map((epoch) => trainedAt('custom', plan, epoch, 12))).toEqual([['layer_8_11', 'head'], ['layer_4_7'], ['embeddings', 'layer_0_3']]);
  });

  // A plan by position, in all three forms, means the same at every depth: the group under the head, then the
  // embeddings and the head, then the top three groups, then every group.
  it.each([
    [2, [['layer_1'], ['embeddings', 'head'], ['layer_0', 'layer_1', 'head'], ['embeddings', 'layer_0', 'layer_1', 'head']]],
    [4, [['layer_3'], ['embeddings', 'head'], ['layer_1_2', 'layer_3', 'head'], ['embeddings', 'layer_0', 'layer_1_2', 'layer_3', 'head']]],
    [6, [['layer_4_5'], ['embeddings', 'head'], ['layer_2_3', 'layer_4_5', 'head'], ['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head']]],
    [12, [['layer_8_11'], ['embeddings', 'head'], ['layer_4_7', 'layer_8_11', 'head'], ['embeddings', 'layer_0_3', 'layer_4_7', 'layer_8_11', 'head']]],
  ])('custom [[-2], [0, -1], 3, "all"] on %i layers trains, epoch by epoch, %j', (layers, stages) => {
    const plan = { epochs: [[-2], [0, -1], 3, 'all'] };
    expect([1, 2, 3, 4, 5].map((epoch) => trainedAt('custom', plan, epoch, layers))).toEqual([...stages, stages.at(-1)]);
  });

  it('custom rejects, at the first epoch, an index the model does not have, naming the field and the allowed indices', () => {
    const s = unfreezing.create('custom', { epochs: [1, [-1, -5]] }, undefined);
    expect(s.groupsAt(1, 5)).toEqual([4]);
    // Two layers make four groups: -5 is past the embeddings, and the plan fails before its second epoch comes.
    expect(() => s.groupsAt(1, layerGroupNames(2).length)).toThrow(
      'unfreezing schedule[custom].options.epochs.1.1 is group -5, but the model has 4 layer groups: allowed indices are -1 to -4 (from the head down) and 0 to 3 (from the embeddings up)',
    );
    expect(() => unfreezing.create('custom', { epochs: [[4]] }, undefined).groupsAt(1, 4)).toThrow(/epochs\.0\.0 is group 4, .* 0 to 3/);
  });

  it('custom says that a plan names groups by position when given a group name', () => {
    expect(() => unfreezing.create('custom', { epochs: [['head']] }, undefined)).toThrow(/epochs\.0\.0: .*by position, not by name/);
  });
});

describe('LR schedules', () => {
  const at = (globalStep: number, stepsPerEpoch: number, totalSteps: number): LrPosition => ({
    epoch: Math.floor(globalStep / stepsPerEpoch) + 1,
    step: globalStep % stepsPerEpoch,
    stepsPerEpoch,
    globalStep,
    totalSteps,
  });

  // Hugging Face get_linear_schedule_with_warmup(num_warmup_steps=2, num_training_steps=10), per epoch.
  it.each([
    [0, 0],
    [1, 0.5],
    [2, 1],
    [3, 7 / 8],
    [6, 4 / 8],
    [9, 1 / 8],
    [10, 0], // the next epoch restarts the warm-up
    [11, 0.5],
    [12, 1],
  ])('warmup-linear-per-epoch at global step %i of 10-step epochs: %d', (step, factor) => {
    expect(lr.create('warmup-linear-per-epoch', { warmupFraction: 0.2 }, undefined).factor(at(step, 10, 40))).toBeCloseTo(factor, 12);
  });

  it('warmup-linear-per-epoch takes warmupSteps over the fraction, and no warm-up at all', () => {
    expect(lr.create('warmup-linear-per-epoch', { warmupSteps: 4 }, undefined).factor(at(2, 10, 10))).toBeCloseTo(0.5, 12);
    expect(lr.create('warmup-linear-per-epoch', { warmupFraction: 0 }, undefined).factor(at(0, 10, 10))).toBe(1);
    expect(lr.create('warmup-linear-per-epoch', { warmupFraction: 0 }, undefined).factor(at(5, 10, 10))).toBe(0.5);
  });

  // ULMFiT's STLR with T = 100, cut_frac = 0.1, ratio = 32: cut = 10.
  it.each([
    [0, 1 / 32],
    [5, (1 + 0.5 * 31) / 32],
    [10, 1],
    [55, (1 + 0.5 * 31) / 32],
    [99, (1 + (1 / 90) * 31) / 32],
  ])('stlr at step %i of 100: %d', (step, factor) => {
    expect(lr.create('stlr', {}, undefined).factor(at(step, 25, 100))).toBeCloseTo(factor, 12);
  });

  it('stlr never goes below 1/ratio, even past the planned steps', () => {
    expect(lr.create('stlr', { ratio: 10 }, undefined).factor(at(150, 25, 100))).toBeCloseTo(0.1, 12);
  });

  it('constant is 1 everywhere', () => {
    const constant = lr.create('constant', {}, undefined);
    expect([0, 7, 99].map((s) => constant.factor(at(s, 10, 100)))).toEqual([1, 1, 1]);
  });
});
