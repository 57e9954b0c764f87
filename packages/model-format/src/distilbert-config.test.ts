import { isMangaAssistError } from '@mangaassist/common';
import { thrown } from './__tests__/thrown';
import { DISTILBERT_BASE_CONFIG, parseDistilBertConfig, tinyDistilBertConfig } from './distilbert-config';
import { DISTILBERT_EMBEDDING_TENSORS, distilBertLayerModules, distilBertWeightSpecs } from './distilbert-tensors';

describe('DistilBERT config.json', () => {
  it("fills DistilBertConfig's defaults (distilbert-base-uncased) and keeps other keys", () => {
    const config = parseDistilBertConfig({ model_type: 'distilbert', n_layers: 2, id2label: { 0: 'a' } }, 'm/config.json');
    expect(config).toMatchObject({ n_layers: 2, dim: 768, n_heads: 12, hidden_dim: 3072, vocab_size: 30522, activation: 'gelu', id2label: { 0: 'a' } });
    expect(DISTILBERT_BASE_CONFIG).toMatchObject({ dim: 768, n_layers: 6, max_position_embeddings: 512, seq_classif_dropout: 0.2 });
  });

  it('names the file and every bad field with the allowed values', () => {
    const error = thrown(() => parseDistilBertConfig({ model_type: 'distilbert', dim: 10, n_heads: 3, activation: 'swish' }, 'm/config.json'));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toMatch(/^m\/config\.json: invalid DistilBERT config:\n {2}- activation: .*\(allowed: "gelu", "gelu_new", "gelu_pytorch_tanh", "relu"\)/);
    expect(error.details).toMatchObject({ file: 'm/config.json', field: 'activation' });
    const divisible = thrown(() => parseDistilBertConfig({ model_type: 'distilbert', dim: 10, n_heads: 3 }, 'm/config.json'));
    expect(divisible.message).toContain('  - dim: dim must be divisible by n_heads');
    expect(thrown(() => parseDistilBertConfig({ dim: 8 }, 'x/config.json')).details).toMatchObject({ file: 'x/config.json', field: 'model_type' });
  });
});

describe('DistilBERT tensor names', () => {
  it('lists the encoder in state-dict order, every block named by distilBertLayerModules', () => {
    const config = tinyDistilBertConfig({ n_layers: 3, vocab_size: 50 });
    const specs = distilBertWeightSpecs(config);
    expect(specs).toHaveLength(4 + 3 * 16);
    expect(specs.slice(0, 4).map((s) => s.name)).toEqual([
      DISTILBERT_EMBEDDING_TENSORS.word,
      DISTILBERT_EMBEDDING_TENSORS.position,
      'embeddings.LayerNorm.weight',
      'embeddings.LayerNorm.bias',
    ]);
    const m = distilBertLayerModules(2);
    const layer2 = specs.filter((s) => s.layer === 2);
    expect(layer2.map((s) => s.name)).toEqual(
      [m.q, m.k, m.v, m.out].flatMap((n) => [`${n}.weight`, `${n}.bias`]).concat(
        [m.saNorm, m.lin1, m.lin2, m.outNorm].flatMap((n) => [`${n}.weight`, `${n}.bias`]),
      ),
    );
    expect(m.lin1).toBe('transformer.layer.2.ffn.lin1');
    expect(layer2.find((s) => s.name === `${m.lin1}.weight`)!.shape).toEqual([64, 32]);
    expect(specs.filter((s) => s.role === 'norm')).toHaveLength(2 + 3 * 4);
    expect(distilBertWeightSpecs(tinyDistilBertConfig({ sinusoidal_pos_embds: true }))[1]).toMatchObject({ init: 'sinusoidal', trainable: false });
  });
});
