// Kernel micro-benchmarks: matrix products of the stand-in encoder's shapes (GFLOP/s) and the embedding gradient
// (UnsortedSegmentSum), TensorFlow.js's JavaScript kernels against this workspace's kernels, in one process.
//   npx tsc -b packages/bench && node packages/bench/dist/scripts/kernels.js [--json] [--threads N]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { nativeKernelsAvailable, registerNativeCpuKernels, unregisterNativeCpuKernels } from '@mangaassist/cpu-kernels';
import { selectTfjsBackend } from '@mangaassist/runtime-tfjs';
import { medianMs, printTable } from './bench-util';

/** [label, a shape, b shape, transposeA, transposeB]: the encoder's products at batch 32 x 32 tokens. */
const MATMULS: [string, number[], number[], boolean, boolean][] = [
  ['q/k/v/out projection 1024x256 . 256x256', [1024, 256], [256, 256], false, true],
  ['FFN in 1024x256 . 256x1024', [1024, 256], [1024, 256], false, true],
  ['FFN out 1024x1024 . 1024x256', [1024, 1024], [256, 1024], false, true],
  ['FFN weight gradient (1024x256)T . 1024x1024', [1024, 256], [1024, 1024], true, false],
  ['attention scores 128 x (32x64 . 64x32)', [128, 32, 64], [128, 32, 64], false, true],
];

function gflops(a: number[], b: number[], transposeA: boolean, transposeB: boolean): number {
  const m = transposeA ? a[a.length - 1] : a[a.length - 2];
  const k = transposeA ? a[a.length - 2] : a[a.length - 1];
  const n = transposeB ? b[b.length - 2] : b[b.length - 1];
  const batch = a.slice(0, -2).reduce((x, y) => x * y, 1);
  return (2 * batch * m * n * k) / 1e9;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, threads: { type: 'string' }, repeats: { type: 'string', default: '5' } } });
  await selectTfjsBackend({ backend: 'cpu' });
  const repeats = Number(values.repeats);
  const threads = values.threads ? Number(values.threads) : undefined;
  const native = nativeKernelsAvailable();
  const results: Record<string, unknown>[] = [];

  for (const [label, aShape, bShape, transposeA, transposeB] of MATMULS) {
    const a = tf.randomNormal(aShape);
    const b = tf.randomNormal(bShape);
    // The JavaScript product of the large shapes takes seconds; once after a warm-up run is enough.
    unregisterNativeCpuKernels();
    const js = medianMs(() => tf.matMul(a, b, transposeA, transposeB).dispose(), 1, 1);
    let nativeMs = Number.NaN;
    if (native.available) {
      registerNativeCpuKernels({ threads });
      nativeMs = medianMs(() => tf.matMul(a, b, transposeA, transposeB).dispose(), repeats * 10, 3);
      unregisterNativeCpuKernels();
    }
    const work = gflops(aShape, bShape, transposeA, transposeB);
    results.push({ kernel: 'BatchMatMul', shape: label, js_ms: js, native_ms: nativeMs, js_gflops: work / (js / 1000), native_gflops: work / (nativeMs / 1000) });
    tf.dispose([a, b]);
  }

  // The embedding gradient at two shapes: a small one (1000 x 64 table, 512 tokens) at which the stock TensorFlow.js
  // kernel still finishes, so it runs beside the fix and the native kernel; and the stand-in's real shape, at which
  // the stock kernel would take about 17 minutes and is left out.
  for (const [rows, width, tokens, runOriginal] of [
    [1000, 64, 512, true],
    [30522, 256, 1024, false],
  ] as [number, number, number, boolean][]) {
    const x = tf.randomNormal([tokens, width]);
    const ids = tf.randomUniform([tokens], 0, rows, 'int32') as tf.Tensor1D;
    unregisterNativeCpuKernels();
    const original = runOriginal ? medianMs(() => tf.unsortedSegmentSum(x, ids, rows).dispose(), 1, 0) : Number.NaN;
    registerNativeCpuKernels({ native: false });
    const jsFix = medianMs(() => tf.unsortedSegmentSum(x, ids, rows).dispose(), repeats, 1);
    unregisterNativeCpuKernels();
    let nativeMs = Number.NaN;
    if (native.available) {
      registerNativeCpuKernels({ threads });
      nativeMs = medianMs(() => tf.unsortedSegmentSum(x, ids, rows).dispose(), repeats, 1);
      unregisterNativeCpuKernels();
    }
    results.push({ kernel: 'UnsortedSegmentSum', shape: `${rows}x${width} table, ${tokens} tokens`, original_ms: original, js_fix_ms: jsFix, native_ms: nativeMs });
    tf.dispose([x, ids]);
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ native: native.available ? native.blas : { unavailable: native.reason }, results })}\n`);
    return;
  }
  process.stderr.write(`native kernels: ${native.available ? `${native.blas?.corename}, ${threads ?? native.blas?.threads} threads` : native.reason}\n`);
  printTable('BatchMatMul (GFLOP/s, higher is better)', [
    ['shape', 'JS ms', 'native ms', 'JS GFLOP/s', 'native GFLOP/s'],
    ...results.filter((r) => r.kernel === 'BatchMatMul').map((r) => [r.shape as string, r.js_ms as number, r.native_ms as number, r.js_gflops as number, r.native_gflops as number]),
  ]);
  printTable('UnsortedSegmentSum (ms, lower is better; original not run where it takes minutes)', [
    ['shape', 'original JS', 'JS fix', 'native'],
    ...results.filter((r) => r.kernel === 'UnsortedSegmentSum').map((r) => [r.shape as string, r.original_ms as number, r.js_fix_ms as number, r.native_ms as number]),
  ]);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
