// Training throughput of the real trainer on a chosen TensorFlow.js backend (WebGPU through Dawn on a GPU machine,
// or cpu here), for DistilBERT-base shapes (6 layers, dim 768) or the stand-in's (4 layers, dim 256), with random
// weights and random token ids: batch × seq tokens per step, all layers trainable, focal loss, AdamW.
// Steady-state examples/s is measured over the steps after the first `--warmup` (shader compilation, allocation).
//
// Bundle and run (from the project root):
//   ../shared/device/bundle.sh tools/device/webgpu-train-bench.ts
//   cp ../shared/models/bert-base-uncased/tokenizer.json .device/
//   device: bash .device/run.sh webgpu-train-bench.cjs --backend webgpu --shape base --tokenizer .
// Locally: npx esbuild tools/device/webgpu-train-bench.ts --bundle --platform=node --external:webgpu --outfile=/tmp/b.cjs
//   node /tmp/b.cjs --backend cpu --shape standin --steps 4 --warmup 1 --tokenizer ../shared/models/bert-base-uncased
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, DEFAULT_LABELS, type Rng } from '@mangaassist/common';
import { registerNativeCpuKernels } from '@mangaassist/cpu-kernels';
import {
  DEFAULT_HEAD,
  DistilBertEncoder,
  headWeightSpecs,
  initDistilBertWeights,
  MultiLabelClassifier,
  parseDistilBertConfig,
  WordPieceTokenizer,
} from '@mangaassist/core-model';
import { createLossRegistry } from '@mangaassist/losses';
import { selectTfjsBackend, TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import { createLrScheduleRegistry, createUnfreezingRegistry, trainClassifier, type EncodedExample } from '@mangaassist/trainer';

const SHAPES = {
  base: { dim: 768, n_layers: 6, n_heads: 12, hidden_dim: 3072 },
  standin: { dim: 256, n_layers: 4, n_heads: 4, hidden_dim: 1024 },
} as const;

function syntheticExamples(count: number, seq: number, labels: number, rng: Rng): EncodedExample[] {
  return Array.from({ length: count }, () => {
    const ids = [101, ...Array.from({ length: seq - 2 }, () => rng.int(1000, 28999)), 102];
    const targets = Array.from({ length: labels }, () => (rng.chance(0.2) ? 1 : 0));
    return { inputIds: ids, targets };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'webgpu' },
      shape: { type: 'string', default: 'base' },
      steps: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      batch: { type: 'string', default: '32' },
      seq: { type: 'string', default: '64' },
      tokenizer: { type: 'string', default: '.' },
      dropout: { type: 'string', default: '0.1' },
    },
  });
  const backend = values.backend as TfjsBackendRequest;
  if (!TFJS_BACKEND_REQUESTS.includes(backend)) throw new RangeError(`--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}`);
  const shape = SHAPES[values.shape as keyof typeof SHAPES];
  if (!shape) throw new RangeError(`--shape must be one of ${Object.keys(SHAPES).join(', ')}`);
  const [steps, warmup, batch, seq] = [values.steps, values.warmup, values.batch, values.seq].map(Number) as [number, number, number, number];

  // On cpu, the native BLAS kernels when built (else the JavaScript ones: far slower).
  const selection = await selectTfjsBackend({ backend, accelerateCpu: () => void registerNativeCpuKernels() });
  const config = parseDistilBertConfig(
    { model_type: 'distilbert', vocab_size: 30522, max_position_embeddings: 512, activation: 'gelu', dropout: Number(values.dropout), attention_dropout: Number(values.dropout), ...shape },
    `random ${values.shape}`,
  );
  const labels = [...DEFAULT_LABELS];
  const rng = createRng(7);
  const headWeights = new Map(
    headWeightSpecs(config.dim, labels.length, DEFAULT_HEAD).map((s) => {
      const size = s.shape.reduce((a, b) => a * b, 1);
      return [s.name, Float32Array.from({ length: size }, () => (rng.next() - 0.5) * 0.04)] as const;
    }),
  );
  const classifier = new MultiLabelClassifier({
    encoder: new DistilBertEncoder(config, initDistilBertWeights(config, 1), { seed: 1 }),
    tokenizer: WordPieceTokenizer.fromDirectory(resolve(values.tokenizer!)),
    labels,
    head: DEFAULT_HEAD,
    headWeights,
  });
  const loss = createLossRegistry().create('focal', {}, { labels });
  const stepTimes: number[] = [];
  let last = 0;
  const started = performance.now();
  await trainClassifier({
    classifier,
    loss,
    train: syntheticExamples(steps * batch, seq, labels.length, rng),
    validation: syntheticExamples(batch, seq, labels.length, rng),
    unfreezing: createUnfreezingRegistry().create('full', {}, undefined),
    lrSchedule: createLrScheduleRegistry().create('constant', {}, undefined),
    optimizer: { baseLr: 3e-5, lrDecay: 2.6, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradClipNorm: 1 },
    epochs: 1,
    batchSize: batch,
    seed: 42,
    logEverySteps: 1,
    runDir: mkdtempSync(join(tmpdir(), 'train-bench-')),
    reporter: {
      onStart: () => {
        last = performance.now();
      },
      onStep: () => {
        const now = performance.now();
        stepTimes.push(now - last);
        last = now;
      },
    },
  });
  const steady = stepTimes.slice(warmup);
  const sorted = [...steady].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
  process.stdout.write(
    `${JSON.stringify({
      backend: selection.name,
      backend_selection: selection.message,
      shape: values.shape,
      dropout: Number(values.dropout),
      batch,
      seq,
      steps: stepTimes.length,
      first_step_ms: Math.round(stepTimes[0] ?? NaN),
      median_step_ms: Math.round(median),
      mean_step_ms: Math.round(mean),
      examples_per_s: Number(((1000 * batch) / mean).toFixed(1)),
      total_seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    })}\n`,
  );
  classifier.dispose();
  loss.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
