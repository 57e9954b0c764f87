import { layerGroupNames, transformerLayerBlocks } from './layer-groups';

describe('layer groups', () => {
  it.each([
    [6, [[0, 1], [2, 3], [4, 5]], ['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head']],
    [4, [[0], [1, 2], [3]], ['embeddings', 'layer_0', 'layer_1_2', 'layer_3', 'head']],
    [12, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], ['embeddings', 'layer_0_3', 'layer_4_7', 'layer_8_11', 'head']],
    [5, [[0, 1], [2], [3, 4]], ['embeddings', 'layer_0_1', 'layer_2', 'layer_3_4', 'head']],
    [2, [[0], [1]], ['embeddings', 'layer_0', 'layer_1', 'head']],
    [1, [[0]], ['embeddings', 'layer_0', 'head']],
  ])('%i layers → %j', (n, blocks, names) => {
    expect(transformerLayerBlocks(n)).toEqual(blocks);
    expect(layerGroupNames(n)).toEqual(names);
    expect(transformerLayerBlocks(n).flat()).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('rejects a non-positive layer count', () => {
    expect(() => transformerLayerBlocks(0)).toThrow(new RangeError('nLayers must be a positive integer, got 0'));
  });
});
