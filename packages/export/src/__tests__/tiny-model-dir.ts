import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_ID_CONFIG_KEY, tinyDistilBertConfig, writeRandomClassifierDir } from '@mangaassist/model-format';
import { dimsOf } from '../distilbert-dims';

/** Six labels of the project, in output order. */
export const TINY_LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'];

const WORDS = (
  'where is my order it was late again i want to cancel this never done with you the worst service ' +
  'thanks love great fast delivery how do return a book manga volume why not arrived help please ' +
  'refund now today ok fine good bad what can . , ! ? ##s ##ing ##ed'
).split(' ');

/** A 5 + 60-entry WordPiece vocabulary: enough for test sentences, small enough to keep files tiny. */
export const TINY_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS];

/** dim 32, 2 layers, 2 heads, FFN 64, 64 positions over {@link TINY_VOCAB}. */
export const TINY_CONFIG = tinyDistilBertConfig({ vocab_size: TINY_VOCAB.length });

export const TINY_DIMS = dimsOf(TINY_CONFIG);

/** Head tensor names deliberately unlike Hugging Face's, so tests exercise the shape-based head search. */
export const TINY_HEAD = { hidden: 'head.dense', output: 'head.out_proj' };

/** The tiny model's id, recorded in its `config.json` (the export copies it; serving keys thresholds by it). */
export const TINY_MODEL_ID = 'tiny-export';

/** The calibrated thresholds of the tiny model, in the format `calibrate` writes. */
export const TINY_THRESHOLDS_FILE = {
  version: 1,
  strategy: 'fbeta-sweep',
  createdAt: '2026-01-01T00:00:00.000Z',
  thresholds: Object.fromEntries(TINY_LABELS.map((l, i) => [l, (30 + 5 * i) / 100])),
  details: {},
};

/**
 * Writes a fine-tuned-classifier directory with random weights (std 0.3 so that outputs differ between texts),
 * its model id in `config.json`, a transformers 5-style tokenizer_config.json and (unless `thresholds: false`) a calibrated thresholds.json with a
 * fixed date, so exports of it are byte-identical.
 */
export function writeTinyClassifierDir(dir: string, options: { seed?: number; thresholds?: boolean } = {}): string {
  writeRandomClassifierDir(dir, {
    config: TINY_CONFIG,
    labels: TINY_LABELS,
    headHidden: 16,
    head: TINY_HEAD,
    seed: options.seed ?? 7,
    std: 0.3,
    vocab: TINY_VOCAB,
  });
  const configFile = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({ ...config, [MODEL_ID_CONFIG_KEY]: TINY_MODEL_ID }, null, 2));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'TokenizersBackend', do_lower_case: true, model_max_length: 1e30 }),
  );
  if (options.thresholds !== false) writeFileSync(join(dir, 'thresholds.json'), JSON.stringify(TINY_THRESHOLDS_FILE, null, 2));
  return dir;
}
