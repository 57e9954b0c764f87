import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MangaAssistError } from '@mangaassist/common';
import { fromPretrained } from './pretrained';
import { WordPieceTokenizer } from '@mangaassist/model-format';

/** One tokenizer case of `tokenizer_cases.json` whose output differs from the reference. */
export interface TokenizerMismatch {
  readonly index: number;
  readonly text: string;
  /** Which reference fields differ: `tokens`, `input_ids`, `input_ids_max16`. */
  readonly fields: string[];
}

/** What {@link runHfParity} measured (snake_case: it is printed as JSON by the CLI and the device script). */
export interface ParityReport {
  readonly tokenizer_cases: number;
  readonly tokenizer_mismatches: number;
  readonly mismatch_details: readonly TokenizerMismatch[];
  /** Largest |ours − Hugging Face| over every value of `last_hidden_state`, padded positions included. */
  readonly max_abs_diff: number;
  /** The same over unmasked (real-token) positions only. */
  readonly max_abs_diff_unmasked: number;
  readonly positions_compared: string;
  /** The TensorFlow.js backend that computed the encoder outputs. */
  readonly backend: string;
}

interface TokenizerCase {
  text: string;
  tokens: string[];
  input_ids: number[];
  input_ids_max16: number[];
}

interface ReferenceOutputs {
  input_ids: number[][];
  attention_mask: number[][];
  last_hidden_state: number[][][];
}

function readFixture<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new MangaAssistError('NOT_FOUND', `${file}: cannot read the parity fixture (${(error as Error).message})`, { file });
  }
}

const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Compares the tokenizer on every case of `tokenizer_cases.json` (tokens, ids, truncation to 16) and the encoder on
 * `tiny-distilbert/reference_outputs.json` with Hugging Face's outputs. `fixturesDir` is the folder of the
 * Hugging Face fixtures (`../shared/fixtures/hf`, or a copy): it is self-contained, the tokenizer being the
 * `tokenizer.json` of tiny-distilbert (bert-base-uncased's vocabulary). Runs on the current TensorFlow.js backend.
 *
 * @example
 * ```ts
 * await selectTfjsBackend({ backend: 'cpu' });
 * const report = await runHfParity('../shared/fixtures/hf');
 * // { tokenizer_cases: 24, tokenizer_mismatches: 0, max_abs_diff: 7.6e-7, positions_compared: 'all …', backend: 'cpu' }
 * ```
 */
export async function runHfParity(fixturesDir: string): Promise<ParityReport> {
  const modelDir = join(fixturesDir, 'tiny-distilbert');
  const cases = readFixture<{ cases: TokenizerCase[] }>(join(fixturesDir, 'tokenizer_cases.json')).cases;
  const tokenizer = WordPieceTokenizer.fromDirectory(modelDir);
  const mismatches: TokenizerMismatch[] = [];
  cases.forEach((c, index) => {
    const full = tokenizer.encode(c.text);
    const fields = [
      same(full.tokens, c.tokens) ? '' : 'tokens',
      same(full.ids, c.input_ids) ? '' : 'input_ids',
      same(tokenizer.encode(c.text, { maxLength: 16 }).ids, c.input_ids_max16) ? '' : 'input_ids_max16',
    ].filter(Boolean);
    if (fields.length > 0) mismatches.push({ index, text: c.text, fields });
  });

  const reference = readFixture<ReferenceOutputs>(join(modelDir, 'reference_outputs.json'));
  const { encoder } = await fromPretrained(modelDir);
  try {
    const [batch, length] = [reference.input_ids.length, reference.input_ids[0]!.length];
    const output = tf.tidy(() =>
      encoder.apply(
        tf.tensor2d(reference.input_ids, [batch, length], 'int32'),
        tf.tensor2d(reference.attention_mask, [batch, length], 'int32'),
      ),
    );
    const actual = (await output.data()) as Float32Array;
    output.dispose();
    const dim = encoder.config.dim;
    let maxAll = 0;
    let maxUnmasked = 0;
    reference.last_hidden_state.forEach((sequence, b) =>
      sequence.forEach((vector, t) =>
        vector.forEach((expected, d) => {
          const diff = Math.abs(actual[(b * length + t) * dim + d]! - expected);
          // Math.max propagates NaN, so a NaN output cannot pass as a small difference.
          maxAll = Math.max(maxAll, diff);
          if (reference.attention_mask[b]![t] === 1) maxUnmasked = Math.max(maxUnmasked, diff);
        }),
      ),
    );
    return {
      tokenizer_cases: cases.length,
      tokenizer_mismatches: mismatches.length,
      mismatch_details: mismatches,
      max_abs_diff: maxAll,
      max_abs_diff_unmasked: maxUnmasked,
      positions_compared: `all (${batch}x${length}x${dim} last_hidden_state values, padded positions included)`,
      backend: tf.getBackend(),
    };
  } finally {
    encoder.dispose();
  }
}
