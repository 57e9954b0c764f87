import { MangaAssistError } from '@mangaassist/common';
import { TFJS_BACKEND_REQUESTS, type TfjsBackendRequest, type TfjsBackendSelection } from '@mangaassist/runtime-tfjs';
import { selectBackendWithNativeKernels } from '@mangaassist/pipelines';
import { runUntilStopSignal, signalExitCode } from '@mangaassist/trainer';

/**
 * Selects the TensorFlow.js backend a training command asked for (`auto` when absent), with the native CPU kernels
 * when the pure-JS `cpu` backend is the one chosen, and prints the selection on stderr. `train` and `pretrain-mlm`
 * share it, so both train on the same kernels.
 *
 * @param field - where the value came from (`training.backend`, `--backend`), named in the error
 * @param code - `CONFIG_INVALID` for a value from a config file, `INVALID_ARGUMENT` for a command-line flag
 * @throws MangaAssistError `code`, naming `field` and the allowed backends
 *
 * @example
 * ```ts
 * await selectTrainingBackend(config.training.backend, 'training.backend');
 * ```
 */
export async function selectTrainingBackend(
  backend: string | undefined,
  field: string,
  code: 'CONFIG_INVALID' | 'INVALID_ARGUMENT' = 'CONFIG_INVALID',
): Promise<TfjsBackendSelection> {
  const requested = backend ?? 'auto';
  if (!TFJS_BACKEND_REQUESTS.includes(requested)) {
    throw new MangaAssistError(code, `${field} must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got ${JSON.stringify(requested)}`, {
      field,
      allowed: TFJS_BACKEND_REQUESTS,
    });
  }
  const selection = await selectBackendWithNativeKernels(requested as TfjsBackendRequest);
  process.stderr.write(`${selection.message}\n`);
  for (const note of selection.notes) process.stderr.write(`  ${note}\n`);
  return selection;
}

/**
 * Runs a training job with Ctrl-C and SIGTERM (what schedulers and Kubernetes send) turned into "checkpoint after
 * the current step": the first of either aborts the signal given to `run`, a second one quits at once (see
 * `runUntilStopSignal`). When a signal stopped the run, the process exit code is set to the shell's code for it
 * (130 for SIGINT, 143 for SIGTERM): the run was checkpointed, not finished.
 *
 * @example
 * ```ts
 * const result = await checkpointOnInterrupt((signal) => runTrainJob(config, { signal }));
 * ```
 */
export async function checkpointOnInterrupt<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { value, stoppedBy } = await runUntilStopSignal(run, {
    onSignal: (signal) => process.stderr.write(`\n${signal}: checkpointing after the current step (send it again, or press Ctrl-C again, to quit at once)\n`),
  });
  if (stoppedBy) process.exitCode = signalExitCode(stoppedBy);
  return value;
}
