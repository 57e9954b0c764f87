// The DistilBERT classifier on WebGPU: Hugging Face parity (../shared fixtures), and save/load (weights read back
// asynchronously from the device, written, and loaded again on either backend).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import { createClassifier, loadClassifier, runHfParity, SeededRandom, type CreateClassifierOptions, type MultiLabelClassifier } from '@mangaassist/core-model';
import type { TfjsModule } from '@mangaassist/runtime-tfjs';
import { writeTinyEncoder } from '../commands/__tests__/tiny-encoder';
import { describeOnWebgpu, maxAbsDifference, useBackend } from './__tests__/webgpu-testing';

const REFERENCE = 'fixtures/hf/tiny-distilbert/reference_outputs.json';
const fixtures = sharedAsset(REFERENCE) && sharedAsset('fixtures/hf');

describeOnWebgpu('Hugging Face parity', () => {
  (fixtures ? it : it.skip)(
    `matches the tokenizer and last_hidden_state at every position${fixtures ? '' : ` (skipped: ${REFERENCE} is not available)`}`,
    async () => {
      const tf = await useBackend('webgpu');
      const before = tf.memory().numTensors;
      const report = await runHfParity(fixtures!);
      expect(report.backend).toBe('webgpu');
      expect(report.tokenizer_mismatches).toBe(0);
      // The same bar as on the cpu backend: float32 reordering explains ~1e-6 (measured here: 7.6e-7).
      expect(report.max_abs_diff).toBeLessThan(1e-5);
      expect(report.positions_compared).toMatch(/^all \(6x29x32 /);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});

const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'confused', 'how', 'ok', 'fine'];
const TEXTS = ['where is my order', 'late again', 'love this', 'how is this ok', 'fine'];
const LABELS = ['frustration', 'satisfaction', 'neutral'];

/** A new classifier whose head (wide tables included) holds N(0, 0.5) values, so that every head weight moves the output. */
async function classifierWithRandomHead(tf: TfjsModule, encoder: string, options: CreateClassifierOptions): Promise<MultiLabelClassifier> {
  const model = await createClassifier(encoder, options);
  const rng = new SeededRandom(5);
  for (const v of model.headVariables.values()) v.assign(tf.tensor(rng.normalArray(v.size, 0.5), v.shape));
  return model;
}

describeOnWebgpu('classifier save and load', () => {
  const root = mkdtempSync(join(tmpdir(), 'webgpu-save-'));
  const encoder = join(root, 'encoder');
  writeTinyEncoder(encoder, { words: WORDS });

  it.each([
    ['[CLS] pooling', { hiddenDim: 8 }],
    ['mean pooling with the wide part', { hiddenDim: 8, pooling: 'mean', wide: { enabled: true, buckets: 31 } }],
  ] as const)('%s: what WebGPU saves loads back bit for bit, on WebGPU and on cpu', async (name, head) => {
    const options: CreateClassifierOptions = { labels: LABELS, seed: 7, head: head as CreateClassifierOptions['head'], maxLength: 12 };
    const dir = join(root, name.replace(/\W+/g, '-'));

    const model = await classifierWithRandomHead(await useBackend('webgpu'), encoder, options);
    const computed = await model.predictProbabilities(TEXTS);
    await model.save(dir);
    model.dispose();
    const loaded = await loadClassifier(dir);
    const reloaded = await loaded.predictProbabilities(TEXTS);
    loaded.dispose();
    // Same weights and same kernels on the same backend: identical numbers.
    expect(reloaded).toEqual(computed);

    const fresh = await classifierWithRandomHead(await useBackend('cpu'), encoder, options);
    const onCpu = await fresh.predictProbabilities(TEXTS);
    fresh.dispose();
    const loadedOnCpu = await loadClassifier(dir);
    const fromWebgpuSave = await loadedOnCpu.predictProbabilities(TEXTS);
    loadedOnCpu.dispose();
    // The weights WebGPU wrote are exactly the ones the cpu backend builds from the same encoder and seeds.
    expect(fromWebgpuSave).toEqual(onCpu);
    // And the two backends agree on the probabilities (float32 reordering: measured at most 1.2e-7 on lavapipe).
    expect(maxAbsDifference(computed.flat(), onCpu.flat())).toBeLessThan(1e-6);
    // Not vacuous: the 15 probabilities differ from one another, so every comparison above compares something.
    expect(new Set(computed.flat()).size).toBeGreaterThan(10);
  });
});
