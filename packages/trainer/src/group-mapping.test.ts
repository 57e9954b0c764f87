import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './__tests__/fixtures';
import { canonicalGroups } from './group-mapping';

beforeAll(useCpuBackend);

describe('canonicalGroups', () => {
  const v = () => tf.variable(tf.zeros([1]));
  const made: tf.Variable[] = [];
  const vars = (n: number) => Array.from({ length: n }, () => {
    const x = v();
    made.push(x);
    return x;
  });
  afterAll(() => made.forEach((x) => x.dispose()));

  it.each([
    // model groups (bottom to top) → model group behind layer_0_1, layer_2_3, layer_4_5
    [['layer_0_1', 'layer_2_3', 'layer_4_5'], ['layer_0_1', 'layer_2_3', 'layer_4_5']], // DistilBERT-base, 6 layers
    [['layer_0', 'layer_1_2', 'layer_3'], ['layer_0', 'layer_1_2', 'layer_3']], // the 4-layer stand-in
    [['layer_0_3', 'layer_4_7', 'layer_8_11'], ['layer_0_3', 'layer_4_7', 'layer_8_11']], // 12 layers
    [['layer_0', 'layer_1'], [null, 'layer_0', 'layer_1']], // 2 layers: aligned from the top
    [['layer_0'], [null, null, 'layer_0']],
  ])('maps %j onto %j', (blocks, expected) => {
    const byGroup = Object.fromEntries([['head', vars(2)], ...[...blocks].reverse().map((b) => [b, vars(1)]), ['embeddings', vars(1)]]);
    const { modelGroups, variables } = canonicalGroups(byGroup);
    expect([modelGroups.layer_0_1, modelGroups.layer_2_3, modelGroups.layer_4_5]).toEqual(expected);
    expect(modelGroups.head).toBe('head');
    expect(variables.head).toBe(byGroup.head);
    expect(variables.layer_4_5).toBe(byGroup[blocks.at(-1)!]);
  });

  it('leaves absent groups empty', () => {
    expect(canonicalGroups({ head: vars(1) }).variables.embeddings).toEqual([]);
  });

  it.each([
    [{ encoder: [] }, /"encoder" is not a layer group/],
    [{ layer_0: [], layer_1: [], layer_2: [], layer_3: [] }, /4 transformer groups/],
  ])('rejects %j', (byGroup, message) => {
    expect(() => canonicalGroups(byGroup)).toThrow(message);
  });
});
