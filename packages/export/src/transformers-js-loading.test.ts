import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { emojiNameReplacements } from '@mangaassist/core-model';
import { bertTokenizerJson, withTextReplacements, withTokensInUnusedSlots, WordPieceTokenizer } from '@mangaassist/model-format';
import { TINY_LABELS, TINY_VOCAB, writeTinyClassifierDir } from './__tests__/tiny-model-dir';
import { exportClassifier } from './export-model';

const work = mkdtempSync(join(tmpdir(), 'export-tjs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Scored {
  label: string;
  score: number;
}

async function ortProbabilities(file: string, words: string[], vocab: readonly string[] = TINY_VOCAB): Promise<Record<string, number>> {
  const ids = [2, ...words.map((w) => vocab.indexOf(w)), 3];
  const dims = [1, ids.length];
  const session = await ort.InferenceSession.create(file);
  const { logits } = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), dims),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), dims),
  });
  await session.release();
  return Object.fromEntries(TINY_LABELS.map((l, i) => [l, 1 / (1 + Math.exp(-(logits!.data as Float32Array)[i]!))]));
}

/** transformers.js's text-classification pipeline on an exported directory, offline (from the directory alone). */
async function transformersJsPipeline(outDir: string, dtype: 'fp32' | 'q8') {
  const { env, pipeline } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(outDir);
  return pipeline('text-classification', basename(outDir), { dtype });
}

describe("transformers.js pipeline('text-classification', dir) loads the export unchanged (offline)", () => {
  const outDir = join(work, 'models', 'tiny-export');
  exportClassifier({ modelDir: writeTinyClassifierDir(join(work, 'model')), outDir, quantize: 'int8' });

  it.each([
    ['fp32', 'model.onnx'],
    ['q8', 'model_quantized.onnx'],
  ] as const)('dtype %s reads onnx/%s and returns the sigmoid of the logits for every label', async (dtype, file) => {
    const classify = await transformersJsPipeline(outDir, dtype);
    try {
      const text = 'Where is my order? It was late again!';
      const scores = (await classify(text, { top_k: null })) as Scored[];
      const expected = await ortProbabilities(join(outDir, 'onnx', file), 'where is my order ? it was late again !'.split(' '));
      expect(scores.map((s) => s.label).sort()).toEqual([...TINY_LABELS].sort());
      for (const { label, score } of scores) expect(Math.abs(score - expected[label]!)).toBeLessThan(1e-5);
    } finally {
      await classify.dispose();
    }
  });
});

describe('transformers.js reads the emoji a training job put into the vocabulary as the model does', () => {
  // The tiny vocabulary's last two pieces give way to reserved slots, which then take 😭 and its continuation.
  const vocab = [...TINY_VOCAB.slice(0, -2), '[unused0]', '[unused1]'];
  const { json, placed } = withTokensInUnusedSlots(bertTokenizerJson(vocab), ['😭', '##😭']);
  const withEmoji = vocab.map((token) => placed.find((p) => p.id === vocab.indexOf(token))?.token ?? token);
  const modelDir = writeTinyClassifierDir(join(work, 'emoji-model'));
  writeFileSync(join(modelDir, 'tokenizer.json'), JSON.stringify(json));
  const outDir = join(work, 'models', 'tiny-emoji-export');
  exportClassifier({ modelDir, outDir });

  it('keeps the emoji in the exported tokenizer and scores "thanks 😭😭" from their ids', async () => {
    expect(JSON.parse(readFileSync(join(outDir, 'tokenizer.json'), 'utf8'))).toEqual(json);
    const classify = await transformersJsPipeline(outDir, 'fp32');
    try {
      const scores = (await classify('thanks 😭😭', { top_k: null })) as Scored[];
      const expected = await ortProbabilities(join(outDir, 'onnx', 'model.onnx'), ['thanks', '😭', '##😭'], withEmoji);
      const unknown = await ortProbabilities(join(outDir, 'onnx', 'model.onnx'), ['thanks', '[UNK]'], withEmoji);
      for (const { label, score } of scores) expect(Math.abs(score - expected[label]!)).toBeLessThan(1e-5);
      // Read as [UNK], as before the emoji were added, the message scores otherwise.
      expect(scores.some(({ label, score }) => Math.abs(score - unknown[label]!) > 1e-3)).toBe(true);
    } finally {
      await classify.dispose();
    }
  });
});

describe("transformers.js rewrites emoji as their names, as the model's tokenizer does", () => {
  // The tiny vocabulary's last two pieces give way to the words of ❤'s name.
  const vocab = [...TINY_VOCAB.slice(0, -2), 'red', 'heart'];
  const { json } = withTextReplacements(bertTokenizerJson(vocab), emojiNameReplacements());
  const modelDir = writeTinyClassifierDir(join(work, 'emoji-names-model'));
  writeFileSync(join(modelDir, 'tokenizer.json'), JSON.stringify(json));
  const outDir = join(work, 'models', 'tiny-emoji-names-export');
  exportClassifier({ modelDir, outDir });

  it('keeps the rewrite in the exported tokenizer and scores "thanks ❤️❤️" from the names\' ids', async () => {
    expect(JSON.parse(readFileSync(join(outDir, 'tokenizer.json'), 'utf8'))).toEqual(json);
    expect(new WordPieceTokenizer(json).encode('thanks ❤️❤️').tokens).toEqual(['[CLS]', 'thanks', 'red', 'heart', 'red', 'heart', '[SEP]']);
    const classify = await transformersJsPipeline(outDir, 'fp32');
    try {
      const scores = (await classify('thanks ❤️❤️', { top_k: null })) as Scored[];
      const expected = await ortProbabilities(join(outDir, 'onnx', 'model.onnx'), ['thanks', 'red', 'heart', 'red', 'heart'], vocab);
      const unknown = await ortProbabilities(join(outDir, 'onnx', 'model.onnx'), ['thanks', '[UNK]'], vocab);
      for (const { label, score } of scores) expect(Math.abs(score - expected[label]!)).toBeLessThan(1e-5);
      // Read as [UNK], without the rewrite, the message scores otherwise.
      expect(scores.some(({ label, score }) => Math.abs(score - unknown[label]!) > 1e-3)).toBe(true);
    } finally {
      await classify.dispose();
    }
  });
});
