import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { OnnxTextClassifier, servedModelId, UNNAMED_MODEL_ID } from './onnx-text-classifier';

// A tiny exported classifier (random weights, 65-token vocabulary), kept in sync with the exporter by
// packages/export/src/serving-fixture.test.ts.
const FIXTURE = join(__dirname, '__fixtures__', 'tiny-export');
const LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'];
const TEXTS = ['Where is my order?', 'I want to cancel, never again!', 'thanks, great fast delivery', 'ok'];

const work = mkdtempSync(join(tmpdir(), 'serving-onnx-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('OnnxTextClassifier', () => {
  it.each(['fp32', 'int8'] as const)('%s: one probability per label, the same alone or padded in a batch', async (precision) => {
    const classifier = await OnnxTextClassifier.load(FIXTURE, { precision, intraOpNumThreads: 1 });
    // int8 activations are quantised with one scale per tensor, i.e. per batch: the other texts of a batch move a
    // text's probabilities (measured up to 0.02 on this dim-32 model), within the int8 tolerance the exporter's
    // tests establish for it (0.06).
    const tolerance = precision === 'fp32' ? 1e-5 : 0.06;
    try {
      expect(classifier.labels).toEqual(LABELS);
      expect(classifier.modelId).toBe('tiny-export');
      expect(classifier.modelFile).toMatch(precision === 'fp32' ? /onnx[/\\]model\.onnx$/ : /model_quantized\.onnx$/);
      const batched = await classifier.predict(TEXTS);
      expect(batched).toHaveLength(TEXTS.length);
      for (const [i, text] of TEXTS.entries()) {
        const [alone] = await classifier.predict([text]);
        expect(alone).toHaveLength(LABELS.length);
        for (const [j, p] of alone!.entries()) {
          expect(p).toBeGreaterThan(0);
          expect(p).toBeLessThan(1);
          expect(Math.abs(p - batched[i]![j]!)).toBeLessThan(tolerance);
        }
      }
      // Different texts must give different outputs, or the inputs would not reach the graph.
      expect(Math.abs(batched[0]![0]! - batched[1]![0]!)).toBeGreaterThan(1e-3);
      expect(await classifier.predict([])).toEqual([]);
    } finally {
      await classifier.dispose();
    }
  });

  it("matches transformers.js's pipeline on the same directory (tokenisation and sigmoid included)", async () => {
    const { env, pipeline } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = dirname(FIXTURE);
    const reference = await pipeline('text-classification', basename(FIXTURE), { dtype: 'fp32' });
    const classifier = await OnnxTextClassifier.load(FIXTURE, { intraOpNumThreads: 1 });
    try {
      const ours = await classifier.predict(TEXTS);
      for (const [i, text] of TEXTS.entries()) {
        const scores = (await reference(text, { top_k: null })) as { label: string; score: number }[];
        for (const { label, score } of scores) expect(Math.abs(ours[i]![LABELS.indexOf(label)]! - score)).toBeLessThan(1e-5);
      }
    } finally {
      await classifier.dispose();
      await reference.dispose();
    }
  });

  it.each([
    ['the maxLength option', {}, { maxLength: 6 }],
    ['the training limit in config.json', { mangaassist_head: { hidden_dim: 16, max_length: 6 } }, {}],
  ])('truncates long texts to %s, keeping [SEP]', async (_, configPatch, options) => {
    const dir = join(work, `truncate-${Object.keys(configPatch).length}`);
    cpSync(FIXTURE, dir, { recursive: true });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, ...configPatch }));
    const classifier = await OnnxTextClassifier.load(dir, { intraOpNumThreads: 1, ...options });
    try {
      const long = 'where is my order '.repeat(40);
      const [a, b] = await classifier.predict([long, 'where is my order']);
      // "[CLS] where is my order [SEP]" is exactly 6 tokens: the long text truncates to the same sequence.
      for (let j = 0; j < LABELS.length; j++) expect(Math.abs(a![j]! - b![j]!)).toBeLessThan(1e-6);
    } finally {
      await classifier.dispose();
    }
  });

  it('fails at load with an error naming a corrupt or truncated ONNX file', async () => {
    const dir = join(work, 'corrupt');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = join(dir, 'onnx', 'model.onnx');
    writeFileSync(file, 'this is not a protobuf');
    let error = await rejection(OnnxTextClassifier.load(dir));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toContain(`${file}: ONNX Runtime cannot load this model`);
    const whole = readFileSync(join(FIXTURE, 'onnx', 'model.onnx'));
    writeFileSync(file, whole.subarray(0, whole.length / 2));
    error = await rejection(OnnxTextClassifier.load(dir));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toContain(file);
  });

  it('names missing files and rejects bad options and use after dispose', async () => {
    const dir = join(work, 'no-int8');
    cpSync(FIXTURE, dir, { recursive: true });
    rmSync(join(dir, 'onnx', 'model_quantized.onnx'));
    const error = await rejection(OnnxTextClassifier.load(dir, { precision: 'int8' }));
    expect(isMangaAssistError(error, 'NOT_FOUND')).toBe(true);
    expect(error.message).toContain(join(dir, 'onnx', 'model_quantized.onnx'));
    expect((await rejection(OnnxTextClassifier.load(join(work, 'missing')))).message).toContain(join(work, 'missing', 'config.json'));
    await expect(OnnxTextClassifier.load(dir, { precision: 'fp16' as 'fp32' })).rejects.toThrow(RangeError);
    const classifier = await OnnxTextClassifier.load(dir, { intraOpNumThreads: 1 });
    await classifier.dispose();
    await expect(classifier.predict(['hi'])).rejects.toThrow(/disposed/);
  });

  it('takes its id and thresholds from the model\'s files, never from the directory name', async () => {
    const dir = join(work, 'renamed');
    cpSync(FIXTURE, dir, { recursive: true });
    const shipped = JSON.parse(readFileSync(join(FIXTURE, 'thresholds.json'), 'utf8')).thresholds;
    let classifier = await OnnxTextClassifier.load(dir, { intraOpNumThreads: 1 });
    expect([classifier.modelId, classifier.modelThresholds]).toEqual(['tiny-export', shipped]);
    await classifier.dispose();
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    delete config.mangaassist_model_id;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    rmSync(join(dir, 'thresholds.json'));
    classifier = await OnnxTextClassifier.load(dir, { intraOpNumThreads: 1 });
    expect([classifier.modelId, classifier.modelThresholds]).toEqual([UNNAMED_MODEL_ID, {}]);
    await classifier.dispose();
  });

  it('servedModelId: the configured id, else config.json\'s, else CONFIG_INVALID naming both', () => {
    expect(servedModelId(FIXTURE, undefined)).toBe('tiny-export');
    expect(servedModelId(FIXTURE, 'manga-v9')).toBe('manga-v9');
    const dir = join(work, 'unnamed');
    cpSync(FIXTURE, dir, { recursive: true });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    delete config.mangaassist_model_id;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    expect(servedModelId(dir, 'manga-v9')).toBe('manga-v9');
    let error: unknown;
    try {
      servedModelId(dir, undefined);
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/config\.json records no "mangaassist_model_id" and no model id was configured \(serving\.modelId\)/);
  });
});
