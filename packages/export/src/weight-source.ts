import { MangaAssistError } from '@mangaassist/common';
import { DISTILBERT_PREFIX, DISTILBERT_WORD_EMBEDDINGS, type SafetensorsTensor } from '@mangaassist/model-format';

/**
 * Named tensors of a checkpoint (float, and int32 where asked for) with shape-checked access. Names are given
 * without the model prefix (`distilbert.` for a classifier checkpoint, none for a bare encoder); the prefix is found
 * once from the word embeddings.
 *
 * @example
 * ```ts
 * const weights = new WeightSource(readSafetensors(file).tensors, file);
 * const wq = weights.linear('transformer.layer.0.attention.q_lin', 768, 768); // [in, out], ready for MatMul
 * ```
 */
export class WeightSource {
  /** `distilbert.` or `''`. */
  readonly prefix: string;

  constructor(
    private readonly tensors: ReadonlyMap<string, SafetensorsTensor>,
    /** The file the tensors came from (named in every error). */
    readonly file: string,
  ) {
    const anchor = DISTILBERT_WORD_EMBEDDINGS;
    if (tensors.has(`${DISTILBERT_PREFIX}${anchor}`)) this.prefix = DISTILBERT_PREFIX;
    else if (tensors.has(anchor)) this.prefix = '';
    else {
      throw new MangaAssistError(
        'CHECKPOINT_INVALID',
        `${file}: no DistilBERT word embeddings ("${DISTILBERT_PREFIX}${anchor}" or "${anchor}"); found ${describe(tensors)}`,
        { file, tensor: anchor },
      );
    }
  }

  /** True when the (unprefixed) tensor exists, e.g. an optional head. */
  has(name: string, prefixed = true): boolean {
    return this.tensors.has(prefixed ? this.prefix + name : name);
  }

  /** Every tensor name in the file, prefix included. */
  names(): string[] {
    return [...this.tensors.keys()];
  }

  /** The stored shape of a tensor (empty when absent). */
  shapeOf(name: string, prefixed = true): readonly number[] {
    return this.tensors.get(prefixed ? this.prefix + name : name)?.shape ?? [];
  }

  /** A float tensor with the expected shape; `prefixed: false` reads names outside the encoder (the head). */
  get(name: string, shape: readonly number[], prefixed = true): Float32Array {
    const { full, tensor } = this.lookup(name, shape, prefixed);
    if (!(tensor.data instanceof Float32Array)) {
      throw new MangaAssistError(
        'CHECKPOINT_INVALID',
        `${this.file}: tensor "${full}" has dtype ${tensor.dtype}; a floating-point tensor is expected`,
        { file: this.file, tensor: full },
      );
    }
    return tensor.data;
  }

  /**
   * An int32 (`I32`) tensor with the expected shape, such as the lookup tables of the n-gram ensemble's word
   * features; `prefixed` as for {@link WeightSource.get}.
   *
   * @throws MangaAssistError `CHECKPOINT_INVALID` naming the tensor when it is missing, has another shape or is not
   *   int32
   *
   * @example
   * ```ts
   * const codes = weights.getInt32('ngram_ensemble.piece.codes', [30522], false);
   * ```
   */
  getInt32(name: string, shape: readonly number[], prefixed = true): Int32Array {
    const { full, tensor } = this.lookup(name, shape, prefixed);
    if (!(tensor.data instanceof Int32Array)) {
      throw new MangaAssistError('CHECKPOINT_INVALID', `${this.file}: tensor "${full}" has dtype ${tensor.dtype}; an int32 (I32) tensor is expected`, {
        file: this.file,
        tensor: full,
      });
    }
    return tensor.data;
  }

  /** The tensor under its full name, refused when it is missing or its shape is not `shape`. */
  private lookup(name: string, shape: readonly number[], prefixed: boolean): { full: string; tensor: SafetensorsTensor } {
    const full = prefixed ? this.prefix + name : name;
    const tensor = this.tensors.get(full);
    if (!tensor) {
      throw new MangaAssistError('CHECKPOINT_INVALID', `${this.file}: missing tensor "${full}"`, {
        file: this.file,
        tensor: full,
      });
    }
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new MangaAssistError(
        'CHECKPOINT_INVALID',
        `${this.file}: tensor "${full}" has shape ${JSON.stringify(tensor.shape)}, expected ${JSON.stringify(shape)}`,
        { file: this.file, tensor: full },
      );
    }
    return { full, tensor };
  }

  /**
   * A torch `Linear` weight (`[out, in]`) transposed to `[in, out]` for `MatMul`, and its bias.
   */
  linear(name: string, inFeatures: number, outFeatures: number, prefixed = true): { weight: Float32Array; bias: Float32Array } {
    const w = this.get(`${name}.weight`, [outFeatures, inFeatures], prefixed);
    return { weight: transpose(w, outFeatures, inFeatures), bias: this.get(`${name}.bias`, [outFeatures], prefixed) };
  }
}

/**
 * Transposes a row-major `rows × cols` matrix.
 *
 * @example
 * ```ts
 * transpose(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3); // [1, 4, 2, 5, 3, 6]
 * ```
 */
export function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  }
  return out;
}

function describe(tensors: ReadonlyMap<string, unknown>): string {
  const names = [...tensors.keys()];
  return names.length === 0 ? 'no tensors' : `${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}`;
}
