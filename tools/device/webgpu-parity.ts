// Standalone parity run for the GPU machine: selects the TensorFlow.js backend through @mangaassist/runtime-tfjs
// (WebGPU through Dawn when asked), runs the same Hugging Face parity as `mangaassist parity`, and prints JSON.
//
// Bundle and run (from the project root, after `npm run build`):
//   ../shared/device/bundle.sh tools/device/webgpu-parity.ts
//   cp -r ../shared/fixtures/hf .device/fixtures   # only tokenizer_cases.json and tiny-distilbert/ are read
//   device: bash .device/run.sh webgpu-parity.cjs --backend webgpu --fixtures fixtures
// Locally, on the cpu backend:
//   npx esbuild tools/device/webgpu-parity.ts --bundle --platform=node --external:webgpu --outfile=/tmp/p.cjs
//   node /tmp/p.cjs --backend cpu --fixtures ../shared/fixtures/hf
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runHfParity } from '@mangaassist/core-model';
import { selectTfjsBackend, TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'auto' },
      fixtures: { type: 'string', default: '../shared/fixtures/hf' },
      tolerance: { type: 'string', default: '1e-4' },
    },
  });
  const backend = values.backend!;
  if (!TFJS_BACKEND_REQUESTS.includes(backend)) {
    throw new RangeError(`--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got ${backend}`);
  }
  const tolerance = Number(values.tolerance);
  const selection = await selectTfjsBackend({ backend: backend as TfjsBackendRequest });
  const started = Date.now();
  const report = await runHfParity(resolve(values.fixtures!));
  const ok = report.tokenizer_mismatches === 0 && report.max_abs_diff <= tolerance;
  const result = {
    ...report,
    tolerance,
    ok,
    backend_selection: selection.message,
    seconds: (Date.now() - started) / 1000,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
