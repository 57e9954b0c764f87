import { distilBertWeightSpecs, type DistilBertConfig } from '@mangaassist/model-format';
import { SeededRandom } from './prng';

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
