import type { DistilBertConfig } from './distilbert-config';

/**
 * The prefix Hugging Face puts before encoder tensors in models with a head (`DistilBertForMaskedLM`,
 * `DistilBertForSequenceClassification`); a bare `DistilBertModel` has none.
 *
 * @example
 * ```ts
 * tensors.has(`${DISTILBERT_PREFIX}${DISTILBERT_WORD_EMBEDDINGS}`); // a model with a head
 * ```
 */
export const DISTILBERT_PREFIX = 'distilbert.';

/**
 * The word embedding table's name (without prefix): the one tensor every DistilBERT checkpoint has, so readers
 * find the prefix from it.
 */
export const DISTILBERT_WORD_EMBEDDINGS = 'embeddings.word_embeddings.weight';

/** How a weight is initialised when it is not loaded from a checkpoint (Hugging Face's `_init_weights`). */
export type WeightInit = 'normal' | 'embedding' | 'ones' | 'zeros' | 'sinusoidal';

/** What a tensor is part of: writers of random checkpoints keep LayerNorms at 1 and 0 and randomise the rest. */
export type WeightRole = 'embedding' | 'linear' | 'norm';

/** One tensor of the DistilBERT encoder, named as in a bare `DistilBertModel` state dict. */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** Transformer block index, or `undefined` for the embeddings. */
  readonly layer: number | undefined;
  /** False only for fixed sinusoidal position embeddings. */
  readonly trainable: boolean;
  readonly init: WeightInit;
  readonly role: WeightRole;
}

/**
 * The names (without `.weight` / `.bias`) of the modules of transformer block `layer`: the four attention
 * projections, the two LayerNorms and the two feed-forward Linears. The encoder, the ONNX export and the random
 * checkpoint writer all read names from here, so a checkpoint one writes is one the others read.
 *
 * @example
 * ```ts
 * distilBertLayerModules(0).q; // 'transformer.layer.0.attention.q_lin'
 * ```
 */
export function distilBertLayerModules(layer: number) {
  const p = `transformer.layer.${layer}`;
  return {
    q: `${p}.attention.q_lin`,
    k: `${p}.attention.k_lin`,
    v: `${p}.attention.v_lin`,
    out: `${p}.attention.out_lin`,
    saNorm: `${p}.sa_layer_norm`,
    lin1: `${p}.ffn.lin1`,
    lin2: `${p}.ffn.lin2`,
    outNorm: `${p}.output_layer_norm`,
  } as const;
}

/** The names of the embedding tensors (without prefix). */
export const DISTILBERT_EMBEDDING_TENSORS = {
  word: DISTILBERT_WORD_EMBEDDINGS,
  position: 'embeddings.position_embeddings.weight',
  norm: 'embeddings.LayerNorm',
} as const;

/**
 * The encoder's tensors for `config`, in state-dict order: embeddings, then each block's attention, its LayerNorm,
 * the FFN and the output LayerNorm. Names carry no `distilbert.` prefix.
 *
 * @example
 * ```ts
 * distilBertWeightSpecs(config).find((s) => s.name === 'embeddings.word_embeddings.weight')!.shape; // [30522, 768]
 * ```
 */
export function distilBertWeightSpecs(config: DistilBertConfig): WeightSpec[] {
  const { dim, hidden_dim: hidden } = config;
  const e = DISTILBERT_EMBEDDING_TENSORS;
  const specs: WeightSpec[] = [
    spec(e.word, [config.vocab_size, dim], undefined, 'embedding', 'embedding'),
    {
      ...spec(e.position, [config.max_position_embeddings, dim], undefined, 'normal', 'embedding'),
      ...(config.sinusoidal_pos_embds ? { trainable: false, init: 'sinusoidal' as const } : {}),
    },
    ...norm(e.norm, dim, undefined),
  ];
  for (let layer = 0; layer < config.n_layers; layer++) {
    const m = distilBertLayerModules(layer);
    for (const name of [m.q, m.k, m.v, m.out]) specs.push(...linear(name, dim, dim, layer));
    specs.push(...norm(m.saNorm, dim, layer));
    specs.push(...linear(m.lin1, dim, hidden, layer));
    specs.push(...linear(m.lin2, hidden, dim, layer));
    specs.push(...norm(m.outNorm, dim, layer));
  }
  return specs;
}

function spec(name: string, shape: number[], layer: number | undefined, init: WeightInit, role: WeightRole): WeightSpec {
  return { name, shape, layer, trainable: true, init, role };
}

/** A torch `Linear` (`[out, in]` weight, as PyTorch stores it) and its bias. */
function linear(name: string, inFeatures: number, outFeatures: number, layer: number | undefined): WeightSpec[] {
  return [spec(`${name}.weight`, [outFeatures, inFeatures], layer, 'normal', 'linear'), spec(`${name}.bias`, [outFeatures], layer, 'zeros', 'linear')];
}

function norm(name: string, size: number, layer: number | undefined): WeightSpec[] {
  return [spec(`${name}.weight`, [size], layer, 'ones', 'norm'), spec(`${name}.bias`, [size], layer, 'zeros', 'norm')];
}
