import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_BIGRAM_TENSOR,
  NGRAM_ENSEMBLE_CONTINUATION_TENSOR,
  NGRAM_ENSEMBLE_PIECE_CODES_TENSOR,
  NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  NGRAM_ENSEMBLE_WORD_IDF_TENSOR,
  NGRAM_ENSEMBLE_WORD_TENSOR,
  wordPieceCodes,
} from '@mangaassist/common';
import { writeRandomClassifierDir } from '@mangaassist/model-format';
import { createContainer } from '../container';
import { buildProgram } from '../program';

const LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'];
const work = mkdtempSync(join(tmpdir(), 'cli-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(args: string[]): Promise<string> {
  let out = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    const program = buildProgram(createContainer()).exitOverride();
    // Subcommands copy settings when created, so each needs its own override (else commander calls process.exit).
    for (const command of program.commands) command.exitOverride();
    await program.parseAsync(['node', 'mangaassist', ...args]);
  } finally {
    write.mockRestore();
  }
  return out;
}

describe('mangaassist export', () => {
  const modelDir = writeRandomClassifierDir(join(work, 'model'), {
    config: { dim: 16, n_layers: 1, n_heads: 2, hidden_dim: 32, vocab_size: 100, max_position_embeddings: 32, activation: 'gelu' },
    labels: LABELS,
    headHidden: 8,
    std: 0.2,
  });

  it('writes both graphs and checks them with ONNX Runtime (--json)', async () => {
    const out = join(work, 'onnx');
    const report = JSON.parse(await cli(['export', '--model', modelDir, '--out', out, '--quantize', 'int8', '--json']));
    expect(report.labels).toEqual(LABELS);
    expect(report.head).toEqual({ hidden: 'pre_classifier', output: 'classifier' });
    expect(report.thresholds).toEqual({ kind: 'default', value: 0.5 });
    for (const f of ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'config.json', 'tokenizer.json', 'thresholds.json']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(Object.keys(report.check.probabilities)).toEqual(['fp32', 'int8']);
    expect(Object.keys(report.check.probabilities.fp32)).toEqual(LABELS);
    expect(report.check.int8MaxAbsDiff).toBeLessThan(0.06);
  });

  it('prints a readable summary and refuses an unknown --quantize value', async () => {
    const text = await cli(['export', '--model', modelDir, '--out', join(work, 'onnx-fp32')]);
    expect(text).toMatch(/exported 6 labels \(frustration, .*\) to /);
    expect(text).toMatch(/fp32 +frustration 0\.\d{3}/);
    expect(text).not.toMatch(/model_quantized/);
    const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(cli(['export', '--model', modelDir, '--out', join(work, 'x'), '--quantize', 'int4'])).rejects.toThrow(
        /Allowed choices are none, int8/,
      );
    } finally {
      errors.mockRestore();
    }
  });

  it('lists the n-gram ensemble in the summary when the model has one, and its graphs still load and classify', async () => {
    const buckets = 31;
    const constant = (length: number, value: number) => new Float32Array(length).fill(value);
    const ensembleDir = writeRandomClassifierDir(join(work, 'ensemble-model'), {
      config: { dim: 16, n_layers: 1, n_heads: 2, hidden_dim: 32, vocab_size: 100, max_position_embeddings: 32, activation: 'gelu' },
      labels: LABELS,
      headHidden: 8,
      std: 0.2,
      extra: {
        [NGRAM_ENSEMBLE_UNIGRAM_TENSOR]: { shape: [100, LABELS.length], data: constant(100 * LABELS.length, 0.1) },
        [NGRAM_ENSEMBLE_BIGRAM_TENSOR]: { shape: [buckets, LABELS.length], data: constant(buckets * LABELS.length, -0.1) },
        [NGRAM_ENSEMBLE_BIAS_TENSOR]: { shape: [LABELS.length], data: constant(LABELS.length, 0) },
      },
    });
    const configFile = join(ensembleDir, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, mangaassist_head: { ngram_ensemble: { weight: 0.3, buckets } } }));
    const text = await cli(['export', '--model', ensembleDir, '--out', join(work, 'onnx-ensemble'), '--quantize', 'int8']);
    expect(text).toContain(`  n-gram ensemble: weight 0.3 of the probability, ${buckets} bigram buckets (mixed into logits)`);
    expect(text).toMatch(/int8 +frustration 0\.\d{3}/);
    // A model without one prints no such line.
    expect(await cli(['export', '--model', modelDir, '--out', join(work, 'onnx-plain')])).not.toContain('n-gram ensemble');
  });

  it('says when the n-gram ensemble reads words, and its graphs still load and classify', async () => {
    const buckets = 101;
    const features = 2 * buckets;
    const constant = (length: number, value: number) => new Float32Array(length).fill(value);
    const wordsDir = writeRandomClassifierDir(join(work, 'words-model'), {
      config: { dim: 16, n_layers: 1, n_heads: 2, hidden_dim: 32, vocab_size: 100, max_position_embeddings: 32, activation: 'gelu' },
      labels: LABELS,
      headHidden: 8,
      std: 0.2,
      extra: {
        [NGRAM_ENSEMBLE_WORD_TENSOR]: { shape: [features, LABELS.length], data: constant(features * LABELS.length, 0.1) },
        [NGRAM_ENSEMBLE_WORD_IDF_TENSOR]: { shape: [features], data: constant(features, 1) },
        [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR]: { shape: [100], data: wordPieceCodes(100, buckets, 0) },
        [NGRAM_ENSEMBLE_CONTINUATION_TENSOR]: { shape: [100], data: new Int32Array(100) },
        [NGRAM_ENSEMBLE_BIAS_TENSOR]: { shape: [LABELS.length], data: constant(LABELS.length, 0) },
      },
    });
    const configFile = join(wordsDir, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, mangaassist_head: { ngram_ensemble: { weight: 0.5, buckets, features: 'words' } } }));
    const text = await cli(['export', '--model', wordsDir, '--out', join(work, 'onnx-words'), '--quantize', 'int8']);
    expect(text).toContain(`  n-gram ensemble: weight 0.5 of the probability, TF-IDF over word uni- and bigrams in ${buckets} buckets each (mixed into logits)`);
    expect(text).toMatch(/int8 +frustration 0\.\d{3}/);
  });
});
