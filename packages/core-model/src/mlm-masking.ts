import { createRng, type Rng } from '@mangaassist/common';

/** How tokens are chosen and corrupted for masked-language modelling (BERT's recipe by default). */
export interface MlmMaskingOptions {
  /** Id written over most chosen tokens (`[MASK]`). */
  readonly maskId: number;
  /** Size of the vocabulary; random replacements are drawn from `[0, vocabSize)` minus `specialIds`. */
  readonly vocabSize: number;
  /** Ids never chosen as targets nor drawn as replacements (`[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`). */
  readonly specialIds: ReadonlySet<number>;
  /** Chance that a non-special token becomes a target (default 0.15). */
  readonly probability?: number;
  /** Share of targets replaced by `[MASK]` (default 0.8). */
  readonly maskFraction?: number;
  /** Share of targets replaced by a random token (default 0.1); the rest stay unchanged. */
  readonly randomFraction?: number;
}

/** One sequence after masking. */
export interface MaskedSequence {
  /** The corrupted ids fed to the model (same length as the input). */
  readonly inputIds: Int32Array;
  /** Positions of the targets, ascending. */
  readonly positions: Int32Array;
  /** The original id at each position (what the model must predict). */
  readonly labels: Int32Array;
}

/** BERT's masking rates, for {@link MlmMaskingOptions}' optional fields. */
export const BERT_MASKING = { probability: 0.15, maskFraction: 0.8, randomFraction: 0.1 } as const;

/**
 * Checks masking options once, so that per-sequence calls can trust them.
 *
 * @throws RangeError naming the option that is out of range
 *
 * @example
 * ```ts
 * checkMaskingOptions({ maskId: 103, vocabSize: 30522, specialIds: new Set([0, 100, 101, 102, 103]) });
 * ```
 */
export function checkMaskingOptions(options: MlmMaskingOptions): void {
  const { probability = 0.15, maskFraction = 0.8, randomFraction = 0.1, vocabSize, maskId } = options;
  if (!(probability > 0 && probability < 1)) throw new RangeError(`probability must be in (0, 1), got ${probability}`);
  if (!(maskFraction >= 0 && randomFraction >= 0 && maskFraction + randomFraction <= 1)) {
    throw new RangeError(`maskFraction and randomFraction must be >= 0 with a sum <= 1, got ${maskFraction} and ${randomFraction}`);
  }
  if (!Number.isSafeInteger(vocabSize) || vocabSize <= options.specialIds.size) {
    throw new RangeError(`vocabSize must be an integer larger than the number of special ids, got ${vocabSize}`);
  }
  if (!Number.isSafeInteger(maskId) || maskId < 0 || maskId >= vocabSize) throw new RangeError(`maskId must be an id in [0, ${vocabSize}), got ${maskId}`);
}

/**
 * Masks one token sequence as BERT's pretraining does (and Hugging Face's `DataCollatorForLanguageModeling`): each
 * non-special token independently becomes a target with `probability`; a target is replaced by `[MASK]` with
 * `maskFraction`, by a uniformly drawn non-special token with `randomFraction`, and left unchanged otherwise. The
 * result depends only on `ids`, the options and `seed`, so a resumed run (or a second evaluation) masks exactly alike.
 * When `atLeastOne` is set and the draw chose nothing, one eligible token is chosen (short texts would otherwise
 * give a batch with nothing to predict).
 *
 * @example
 * ```ts
 * const { inputIds, positions, labels } = maskSequence([101, 2073, 2003, 2026, 2344, 102], options, 7);
 * ```
 */
export function maskSequence(ids: ArrayLike<number>, options: MlmMaskingOptions, seed: number, atLeastOne = false): MaskedSequence {
  const { probability = 0.15, maskFraction = 0.8, randomFraction = 0.1, specialIds } = options;
  const rng = createRng(seed >>> 0);
  const inputIds = Int32Array.from(ids);
  const chosen: number[] = [];
  for (let i = 0; i < inputIds.length; i++) {
    // One draw per token, eligible or not, so a token's fate does not depend on what precedes it.
    const draw = rng.next();
    if (!specialIds.has(inputIds[i]!) && draw < probability) chosen.push(i);
  }
  if (atLeastOne && chosen.length === 0) {
    const eligible = [...inputIds.keys()].filter((i) => !specialIds.has(inputIds[i]!));
    if (eligible.length > 0) chosen.push(rng.pick(eligible));
  }
  const labels = Int32Array.from(chosen, (i) => inputIds[i]!);
  for (const i of chosen) {
    const kind = rng.next();
    if (kind < maskFraction) inputIds[i] = options.maskId;
    else if (kind < maskFraction + randomFraction) inputIds[i] = randomToken(rng, options);
  }
  return { inputIds, positions: Int32Array.from(chosen), labels };
}

function randomToken(rng: Rng, { vocabSize, specialIds }: MlmMaskingOptions): number {
  // Rejection sampling: special ids are a handful out of tens of thousands.
  for (;;) {
    const id = Math.floor(rng.next() * vocabSize);
    if (!specialIds.has(id)) return id;
  }
}
