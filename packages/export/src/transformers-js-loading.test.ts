import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { TINY_LABELS, TINY_VOCAB, writeTinyClassifierDir } from './__tests__/tiny-model-dir';
import { exportClassifier } from './export-model';

const work = mkdtempSync(join(tmpdir(), 'export-tjs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Scored {
  label: string;
  score: number;
}

async function ortProbabilities(file: string, words: string[]): Promise<Record<string, number>> {
  const ids = [2, ...words.map((w) => TINY_VOCAB.indexOf(w)), 3];
  const dims = [1, ids.length];
  const session = await ort.InferenceSession.create(file);
  const { logits } = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), dims),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), dims),
  });
  await session.release();
  return Object.fromEntries(TINY_LABELS.map((l, i) => [l, 1 / (1 + Math.exp(-(logits!.data as Float32Array)[i]!))]));
}

describe("transformers.js pipeline('text-classification', dir) loads the export unchanged (offline)", () => {
  const outDir = join(work, 'models', 'tiny-export');
  exportClassifier({ modelDir: writeTinyClassifierDir(join(work, 'model')), outDir, quantize: 'int8' });

  it.each([
    ['fp32', 'model.onnx'],
    ['q8', 'model_quantized.onnx'],
  ] as const)('dtype %s reads onnx/%s and returns the sigmoid of the logits for every label', async (dtype, file) => {
    const { env, pipeline } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = dirname(outDir);
    const classify = await pipeline('text-classification', basename(outDir), { dtype });
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
