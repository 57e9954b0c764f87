import type { DistilBertConfig } from './distilbert-config';
import { SeededRandom } from './prng';

/** How a weight is initialised when it is not loaded from a checkpoint (Hugging Face's `_init_weights`). */
type WeightInit = 'normal' | 'embedding' | 'ones' | 'zeros' | 'sinusoidal';

/** One tensor of the DistilBERT encoder, named as in a bare `DistilBertModel` state dict. */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** Transformer block index, or `undefined` for the embeddings. */
  readonly layer: number | undefined;
  /** False only for fixed sinusoidal position embeddings. */
  readonly trainable: boolean;
  readonly init: WeightInit;
}

/**
 * The encoder's tensors for `config`, in state-dict order: embeddings, then each block's attention, its
 * LayerNorm, the FFN and the output LayerNorm. Names carry no `distilbert.` prefix.
 *
 * @example
 * ```ts
 * distilBertWeightSpecs(config).find((s) => s.name === 'embeddings.word_embeddings.weight')!.shape; // [30522, 768]
 * ```
 */
export function distilBertWeightSpecs(config: DistilBertConfig): WeightSpec[] {
  const { dim, hidden_dim: hidden } = config;
  const specs: WeightSpec[] = [
    spec('embeddings.word_embeddings.weight', [config.vocab_size, dim], undefined, 'embedding'),
    {
      ...spec('embeddings.position_embeddings.weight', [config.max_position_embeddings, dim], undefined, 'normal'),
      ...(config.sinusoidal_pos_embds ? { trainable: false, init: 'sinusoidal' as const } : {}),
    },
    spec('embeddings.LayerNorm.weight', [dim], undefined, 'ones'),
    spec('embeddings.LayerNorm.bias', [dim], undefined, 'zeros'),
  ];
  for (let layer = 0; layer < config.n_layers; layer++) {
    const p = `transformer.layer.${layer}`;
    for (const lin of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) {
      specs.push(spec(`${p}.attention.${lin}.weight`, [dim, dim], layer, 'normal'));
      specs.push(spec(`${p}.attention.${lin}.bias`, [dim], layer, 'zeros'));
    }
    specs.push(spec(`${p}.sa_layer_norm.weight`, [dim], layer, 'ones'));
    specs.push(spec(`${p}.sa_layer_norm.bias`, [dim], layer, 'zeros'));
    specs.push(spec(`${p}.ffn.lin1.weight`, [hidden, dim], layer, 'normal'));
    specs.push(spec(`${p}.ffn.lin1.bias`, [hidden], layer, 'zeros'));
    specs.push(spec(`${p}.ffn.lin2.weight`, [dim, hidden], layer, 'normal'));
    specs.push(spec(`${p}.ffn.lin2.bias`, [dim], layer, 'zeros'));
    specs.push(spec(`${p}.output_layer_norm.weight`, [dim], layer, 'ones'));
    specs.push(spec(`${p}.output_layer_norm.bias`, [dim], layer, 'zeros'));
  }
  return specs;
}

function spec(name: string, shape: number[], layer: number | undefined, init: WeightInit): WeightSpec {
  return { name, shape, layer, trainable: true, init };
}

/**
 * The fixed position table of `create_sinusoidal_embeddings` in Hugging Face's DistilBERT: sine on even columns,
 * cosine on odd ones, angle `pos / 10000^(2⌊j/2⌋/dim)`.
 *
 * @example
 * ```ts
 * const table = sinusoidalPositions(512, 768); // Float32Array(512 * 768)
 * ```
 */
export function sinusoidalPositions(positions: number, dim: number): Float32Array {
  const out = new Float32Array(positions * dim);
  for (let pos = 0; pos < positions; pos++) {
    for (let j = 0; j < dim; j++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / dim);
      out[pos * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

/**
 * Fresh weights as Hugging Face initialises DistilBERT (normal with `initializer_range` for linear and embedding
 * weights, a zero padding row, LayerNorm ones and zeros), drawn from a seeded generator so that the same seed
 * gives the same model on every backend.
 *
 * @example
 * ```ts
 * const weights = initDistilBertWeights(tinyDistilBertConfig({ vocab_size: 50 }), 7);
 * const encoder = new DistilBertEncoder(config, weights);
 * ```
 */
export function initDistilBertWeights(config: DistilBertConfig, seed: number): Map<string, Float32Array> {
  const rng = new SeededRandom(seed);
  const weights = new Map<string, Float32Array>();
  for (const s of distilBertWeightSpecs(config)) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (s.init === 'ones') data = new Float32Array(size).fill(1);
    else if (s.init === 'zeros') data = new Float32Array(size);
    else if (s.init === 'sinusoidal') data = sinusoidalPositions(s.shape[0]!, s.shape[1]!);
    else data = rng.normalArray(size, config.initializer_range);
    if (s.init === 'embedding') {
      const row = config.pad_token_id * config.dim;
      if (row < data.length) data.fill(0, row, row + config.dim);
    }
    weights.set(s.name, data);
  }
  return weights;
}
