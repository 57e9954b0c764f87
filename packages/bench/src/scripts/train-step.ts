// Training-step benchmark of the stand-in encoder's architecture (random weights, no shared assets needed):
// TensorFlow.js's JavaScript kernels against this workspace's kernels, and the PyTorch baseline, in one run.
//   npx tsc -b packages/bench && node packages/bench/dist/scripts/train-step.js [--steps 20] [--js-steps 1] [--threads 2] [--json]
import { parseArgs } from 'node:util';
import { nativeKernelsAvailable, registerNativeCpuKernels, unregisterNativeCpuKernels } from '@mangaassist/cpu-kernels';
import { selectTfjsBackend } from '@mangaassist/runtime-tfjs';
import { TRAINABLE_SPECS, type TrainableSpec } from '../train/bench-model';
import { EncoderWorkload, STAND_IN_SHAPE } from '../train/encoder-workload';
import { runPytorchBaseline } from '../train/pytorch-baseline';
import { measureTrainingEpoch, type TrainBenchmarkResult } from '../train/train-benchmark';
import { printTable } from './bench-util';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '20' },
      'js-steps': { type: 'string', default: '1' },
      threads: { type: 'string' },
      examples: { type: 'string', default: '5000' },
      batch: { type: 'string', default: '32' },
      seq: { type: 'string', default: '32' },
      configs: { type: 'string', default: 'full' },
      'no-pytorch': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const steps = Number(values.steps);
  const jsSteps = Number(values['js-steps']);
  const threads = values.threads ? Number(values.threads) : undefined;
  const shape = { examples: Number(values.examples), batchSize: Number(values.batch), sequenceLength: Number(values.seq) };
  const configs = (values.configs === 'all' ? TRAINABLE_SPECS : values.configs!.split(',')) as TrainableSpec[];
  const selection = await selectTfjsBackend({ backend: 'cpu' });
  const native = nativeKernelsAvailable();
  const model = new EncoderWorkload(STAND_IN_SHAPE);
  const fusedModel = new EncoderWorkload(STAND_IN_SHAPE, { fusedOps: true });
  const log = (text: string) => process.stderr.write(`${text}\n`);
  log(`backend: ${selection.message}; native kernels: ${native.available ? `${native.blas?.corename}` : native.reason}`);

  const rows: Record<string, unknown>[] = [];
  for (const trainable of configs) {
    let js: TrainBenchmarkResult | undefined;
    if (jsSteps > 0 && trainable === 'full') {
      // TensorFlow.js as shipped cannot finish a step (UnsortedSegmentSum alone takes minutes for this vocabulary),
      // so the JavaScript baseline keeps that one fix and otherwise uses the stock kernels and tf.train.adam.
      unregisterNativeCpuKernels();
      registerNativeCpuKernels({ native: false });
      log(`[${trainable}] JavaScript kernels: ${jsSteps} step(s)…`);
      js = await measureTrainingEpoch({ model, trainable, ...shape, steps: jsSteps, warmupSteps: 0, optimizer: 'tfjs-adam', training: false });
      unregisterNativeCpuKernels();
    }
    let fast: TrainBenchmarkResult | undefined;
    let fused: TrainBenchmarkResult | undefined;
    if (native.available) {
      registerNativeCpuKernels({ threads });
      log(`[${trainable}] native kernels + fused AdamW: ${steps} steps…`);
      fast = await measureTrainingEpoch({ model, trainable, ...shape, steps, warmupSteps: 2, training: false });
      log(`[${trainable}] … plus fused GELU and layer norm: ${steps} steps…`);
      fused = await measureTrainingEpoch({ model: fusedModel, trainable, ...shape, steps, warmupSteps: 2, training: false });
      unregisterNativeCpuKernels();
    }
    let torch: ReturnType<typeof runPytorchBaseline> | undefined;
    if (!values['no-pytorch']) {
      log(`[${trainable}] PyTorch baseline: ${steps} steps…`);
      torch = runPytorchBaseline({ shape: STAND_IN_SHAPE, trainable, ...shape, steps, threads });
    }
    const torchSeconds = torch?.ok ? torch.secondsPerEpoch : null;
    rows.push({
      trainable,
      trainable_parameters: (fast ?? js)?.trainableParameters,
      js_step_ms: js?.stepMsMedian ?? null,
      js_seconds_per_epoch: js?.secondsPerEpoch ?? null,
      native_step_ms: fast?.stepMsMedian ?? null,
      native_seconds_per_epoch: fast?.secondsPerEpoch ?? null,
      fused_step_ms: fused?.stepMsMedian ?? null,
      fused_seconds_per_epoch: fused?.secondsPerEpoch ?? null,
      pytorch_step_ms: torch?.ok ? torch.stepMsMedian : null,
      pytorch_seconds_per_epoch: torchSeconds,
      pytorch_reason: torch && !torch.ok ? torch.reason : undefined,
      ratio: fast && torchSeconds ? fast.secondsPerEpoch / torchSeconds : null,
    });
  }
  model.dispose();
  fusedModel.dispose();

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ native: native.available ? native.blas : { unavailable: native.reason }, threads: threads ?? null, ...shape, results: rows })}\n`);
    return;
  }
  printTable(`training step, ${shape.examples} examples x ${shape.sequenceLength} tokens, batch ${shape.batchSize} (epoch seconds projected from median steps)`, [
    ['trainable', 'JS ms/step', 'JS s/epoch', 'native ms/step', 'native s/epoch', '+fused ms/step', '+fused s/epoch', 'PyTorch ms/step', 'PyTorch s/epoch', 'ratio'],
    ...rows.map((r) =>
      [r.trainable, r.js_step_ms, r.js_seconds_per_epoch, r.native_step_ms, r.native_seconds_per_epoch, r.fused_step_ms, r.fused_seconds_per_epoch, r.pytorch_step_ms, r.pytorch_seconds_per_epoch, r.ratio].map((v) =>
        v === null ? '-' : (v as string | number),
      ),
    ),
  ]);
  for (const r of rows) if (r.pytorch_reason) log(`PyTorch (${r.trainable}): ${r.pytorch_reason}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
