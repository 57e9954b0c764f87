import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { CLASSIFIER_HEAD_TENSORS, randomClassifierTensors, readSafetensors, writeRandomClassifierDir } from '@mangaassist/model-format';
import { TINY_CONFIG, TINY_HEAD, TINY_LABELS, TINY_VOCAB } from './__tests__/tiny-model-dir';
import { findClassifierHead, resolveClassifierHead } from './classifier-head';
import { exportClassifier } from './export-model';
import { WeightSource } from './weight-source';

const work = mkdtempSync(join(tmpdir(), 'export-head-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A second dim→16→labels Linear pair beside the head: a shape search cannot tell which pair is the head. */
const DECOY = Object.fromEntries(
  [...randomClassifierTensors(TINY_CONFIG, { labels: TINY_LABELS, head: { hidden: 'decoy.dense', output: 'decoy.out' }, seed: 5 })].filter(([name]) =>
    name.startsWith('decoy.'),
  ),
);

describe('the classifier head', () => {
  it("is read by the format's fixed names when the checkpoint has them, even where a shape search is ambiguous", () => {
    const dir = writeRandomClassifierDir(join(work, 'named'), { config: TINY_CONFIG, labels: TINY_LABELS, vocab: TINY_VOCAB, extra: DECOY });
    const file = join(dir, 'model.safetensors');
    const weights = new WeightSource(readSafetensors(file).tensors, file);
    expect(resolveClassifierHead(weights, 32, TINY_LABELS.length)).toEqual(CLASSIFIER_HEAD_TENSORS);
    expect(() => findClassifierHead(weights, 32, TINY_LABELS.length)).toThrow(/found 4 candidate pairs/);
    expect(exportClassifier({ modelDir: dir, outDir: join(work, 'named-onnx') }).head).toEqual(CLASSIFIER_HEAD_TENSORS);
  });

  it('is searched by shape only in a checkpoint that names it otherwise', () => {
    const dir = writeRandomClassifierDir(join(work, 'custom'), { config: TINY_CONFIG, labels: TINY_LABELS, vocab: TINY_VOCAB, head: TINY_HEAD });
    expect(exportClassifier({ modelDir: dir, outDir: join(work, 'custom-onnx') }).head).toEqual(TINY_HEAD);
  });

  it('with the fixed names but the wrong number of labels, fails naming the tensor', () => {
    const six = randomClassifierTensors(TINY_CONFIG, { labels: TINY_LABELS });
    const dir = writeRandomClassifierDir(join(work, 'seven'), {
      config: TINY_CONFIG,
      labels: [...TINY_LABELS, 'extra'],
      vocab: TINY_VOCAB,
      replace: { 'classifier.weight': six.get('classifier.weight')!, 'classifier.bias': six.get('classifier.bias')! },
    });
    const file = join(dir, 'model.safetensors');
    let error: unknown;
    try {
      exportClassifier({ modelDir: dir, outDir: join(work, 'seven-onnx') });
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect((error as Error).message).toBe(`${file}: tensor "classifier.weight" has shape [6, 16]; a head for dim 32 and 7 labels requires [7, 16]`);
  });
});
