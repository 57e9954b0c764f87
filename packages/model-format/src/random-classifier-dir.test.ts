import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLASSIFIER_HEAD_TENSORS, SEQUENCE_CLASSIFICATION_ARCHITECTURE } from './classifier-config';
import { DISTILBERT_PREFIX, distilBertWeightSpecs } from './distilbert-tensors';
import { readClassifierConfig, writeModelDir } from './model-dir';
import { randomClassifierTensors, writeRandomClassifierDir } from './random-classifier-dir';
import { readSafetensors } from './safetensors';
import { WordPieceTokenizer } from './wordpiece-tokenizer';
import { TINY_VOCAB } from './__tests__/tiny-vocab';

const work = mkdtempSync(join(tmpdir(), 'model-format-dir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const LABELS = ['frustration', 'neutral'];

describe('writeRandomClassifierDir', () => {
  it('writes a classifier directory that reads back: config, labels, tensor names and shapes, tokenizer', () => {
    const dir = writeRandomClassifierDir(join(work, 'classifier'), {
      config: { vocab_size: TINY_VOCAB.length, n_layers: 1 },
      labels: LABELS,
      headHidden: 8,
      vocab: TINY_VOCAB,
    });
    const { raw, config, labels } = readClassifierConfig(dir);
    expect(labels).toEqual(LABELS);
    expect(config).toMatchObject({ dim: 32, n_layers: 1, vocab_size: TINY_VOCAB.length });
    expect(raw).toMatchObject({ architectures: [SEQUENCE_CLASSIFICATION_ARCHITECTURE], problem_type: 'multi_label_classification' });
    const { tensors, metadata } = readSafetensors(join(dir, 'model.safetensors'));
    expect(metadata).toEqual({ format: 'pt' });
    const expected = [
      ...distilBertWeightSpecs(config).map((s) => [`${DISTILBERT_PREFIX}${s.name}`, s.shape]),
      [`${CLASSIFIER_HEAD_TENSORS.hidden}.weight`, [8, 32]],
      [`${CLASSIFIER_HEAD_TENSORS.hidden}.bias`, [8]],
      [`${CLASSIFIER_HEAD_TENSORS.output}.weight`, [2, 8]],
      [`${CLASSIFIER_HEAD_TENSORS.output}.bias`, [2]],
    ];
    expect([...tensors].map(([name, t]) => [name, t.shape]).sort()).toEqual(expected.sort());
    expect(tensors.get('distilbert.embeddings.LayerNorm.weight')!.data.every((v) => v === 1)).toBe(true);
    const q = tensors.get('distilbert.transformer.layer.0.attention.q_lin.weight')!.data as Float32Array;
    expect(Math.max(...q.map(Math.abs))).toBeLessThanOrEqual(0.02 * Math.sqrt(3));
    expect(WordPieceTokenizer.fromDirectory(dir).encode('where is my order').ids).toEqual([2, 5, 6, 7, 8, 3]);
  });

  it('writes the same bytes for the same seed and other values for another', () => {
    const write = (name: string, seed: number) =>
      readFileSync(join(writeRandomClassifierDir(join(work, name), { labels: LABELS, seed }), 'model.safetensors'));
    expect(write('a', 3).equals(write('b', 3))).toBe(true);
    expect(write('c', 4).equals(write('a', 3))).toBe(false);
  });

  it('writes a bare encoder with given weights, extra tensors and only vocab.txt', () => {
    const config = { vocab_size: TINY_VOCAB.length, dim: 8, n_heads: 2, hidden_dim: 16, n_layers: 1 };
    const word = new Float32Array(TINY_VOCAB.length * 8).fill(0.5);
    const dir = writeRandomClassifierDir(join(work, 'encoder'), {
      config,
      encoderWeights: new Map([['embeddings.word_embeddings.weight', word]]),
      extra: { 'vocab_projector.bias': { shape: [TINY_VOCAB.length], data: new Float32Array(TINY_VOCAB.length) } },
      omit: ['embeddings.position_embeddings.weight'],
      vocab: TINY_VOCAB,
      tokenizerFile: 'vocab.txt',
    });
    const raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(raw.architectures).toEqual(['DistilBertModel']);
    expect(raw).not.toHaveProperty('id2label');
    const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
    expect(tensors.get('embeddings.word_embeddings.weight')!.data).toEqual(word);
    expect(tensors.has('vocab_projector.bias')).toBe(true);
    expect(tensors.has('embeddings.position_embeddings.weight')).toBe(false);
    expect(tensors.has('pre_classifier.weight')).toBe(false);
    expect(readFileSync(join(dir, 'vocab.txt'), 'utf8')).toBe(`${TINY_VOCAB.join('\n')}\n`);
    expect(WordPieceTokenizer.fromDirectory(dir).vocabSize).toBe(TINY_VOCAB.length);
  });

  it('gives random tensors as safetensors tensors, usable without writing a file', () => {
    const tensors = randomClassifierTensors(readClassifierConfig(join(work, 'classifier')).config, { labels: LABELS, head: { hidden: 'h', output: 'o' } });
    expect(tensors.get('o.weight')).toMatchObject({ dtype: 'F32', shape: [2, 16] });
    writeModelDir(join(work, 'rewritten'), tensors, { model_type: 'distilbert' });
    expect(readSafetensors(join(work, 'rewritten', 'model.safetensors')).tensors.get('h.bias')!.data).toEqual(tensors.get('h.bias')!.data);
  });
});
