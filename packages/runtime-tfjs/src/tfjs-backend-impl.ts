import { MangaAssistError } from '@mangaassist/common';
import { firstLine, loadTfjsCore, registerTfjsGradients } from './lazy-modules';
import {
  TFJS_BACKEND_NAMES,
  type SelectTfjsBackendOptions,
  type SkippedBackend,
  type TfjsBackendCandidate,
  type TfjsBackendDevice,
  type TfjsBackendName,
  type TfjsBackendSelection,
} from './tfjs-backend';
import { defaultTfjsBackendCandidates } from './tfjs-backends';

const REQUESTS: Readonly<Record<string, readonly TfjsBackendName[] | undefined>> = {
  auto: TFJS_BACKEND_NAMES,
  tensorflow: ['tfjs-node-gpu', 'tfjs-node'],
  ...Object.fromEntries(TFJS_BACKEND_NAMES.map((name) => [name, [name]])),
};

/** The allowed values of the `backend` option, for messages and config validation. */
export const TFJS_BACKEND_REQUESTS: readonly string[] = Object.keys(REQUESTS);

function describeSkipped(skipped: readonly SkippedBackend[]): string {
  return skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
}

/** The selection-report note on the device a started backend uses. */
function deviceNote(device: TfjsBackendDevice): string {
  return device.kind === 'cpu'
    ? `on the CPU: ${device.description} (${device.evidence}); right for correctness checks, slow for training`
    : `device: ${device.description}`;
}

/**
 * Picks the TensorFlow.js backend: tries the candidates in priority order (tfjs-node-gpu, webgpu, tfjs-node, cpu),
 * or only the one asked for, and makes the first that starts the active backend. When several are acceptable
 * (`auto`, `tensorflow`), a candidate other than `cpu` whose device is the CPU (a software WebGPU adapter such as
 * lavapipe) is skipped with the reason: the `cpu` backend computes faster on the same processor. TensorFlow.js is
 * loaded here, on first call, never when the package is imported; op gradients are registered too (see
 * `registerTfjsGradients`).
 *
 * @throws RangeError when `backend` is not one of {@link TFJS_BACKEND_REQUESTS}
 * @throws MangaAssistError `BACKEND_UNAVAILABLE` when every candidate fails, listing each failure
 *
 * @example
 * ```ts
 * const selection = await selectTfjsBackend({ backend: config.training.backend ?? 'auto' });
 * console.log(selection.message);
 * // tfjs backend: cpu (skipped tfjs-node-gpu: @tensorflow/tfjs-node-gpu is not installed; webgpu: no WebGPU adapter …)
 * ```
 */
export async function selectTfjsBackend(options: SelectTfjsBackendOptions = {}): Promise<TfjsBackendSelection> {
  const request = options.backend ?? 'auto';
  const wanted = REQUESTS[request];
  if (!wanted) {
    throw new RangeError(
      `backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got ${JSON.stringify(request)}`,
    );
  }
  const pool: readonly TfjsBackendCandidate[] = options.candidates ?? defaultTfjsBackendCandidates();
  const candidates = wanted.flatMap((name) => pool.filter((c) => c.name === name));
  const tf = loadTfjsCore();
  registerTfjsGradients();
  // A choice among several backends must not land on an emulated accelerator; one named backend is used as asked.
  const choosing = wanted.length > 1;
  const skipped: SkippedBackend[] = [];
  for (const candidate of candidates) {
    let device: TfjsBackendDevice | undefined;
    try {
      device = await candidate.findDevice?.(tf);
      if (choosing && device?.kind === 'cpu' && candidate.name !== 'cpu') {
        skipped.push({
          name: candidate.name,
          reason: `${device.description} is a CPU device (${device.evidence}), slower than the cpu backend; request ${candidate.name} by name to use it`,
        });
        continue;
      }
      await candidate.start(tf);
    } catch (error) {
      skipped.push({ name: candidate.name, reason: firstLine(error) });
      continue;
    }
    await tf.ready();
    const notes: string[] = device ? [deviceNote(device)] : [];
    if (candidate.name === 'cpu' && options.accelerateCpu) {
      try {
        await options.accelerateCpu(tf);
        notes.push('cpu accelerator registered');
      } catch (error) {
        notes.push(`cpu accelerator failed, plain cpu kernels kept: ${firstLine(error)}`);
      }
    }
    const tail = [skipped.length ? `skipped ${describeSkipped(skipped)}` : '', ...notes].filter(Boolean).join('; ');
    return {
      name: candidate.name,
      tfjsName: tf.getBackend(),
      skipped,
      ...(device ? { device } : {}),
      notes,
      message: `tfjs backend: ${candidate.name}${tail ? ` (${tail})` : ''}`,
      tf,
    };
  }
  const tried = candidates.length ? describeSkipped(skipped) : `no candidate named ${wanted.join(' or ')}`;
  throw new MangaAssistError(
    'BACKEND_UNAVAILABLE',
    `no TensorFlow.js backend could start (requested: ${request}):\n  ${tried.split('; ').join('\n  ')}`,
    { requested: request, failures: skipped },
  );
}
