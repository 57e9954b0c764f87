import { constants } from 'node:os';

/**
 * The signals that ask a training process to stop: SIGINT (Ctrl-C) and SIGTERM (what `kill`, batch schedulers and
 * Kubernetes send before SIGKILL).
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Options of {@link runUntilStopSignal}. */
export interface StopSignalOptions {
  /** The signals to catch (default {@link STOP_SIGNALS}). */
  readonly signals?: readonly NodeJS.Signals[];
  /** Called on the first signal, before the run is asked to stop (to tell the user what happens next). */
  readonly onSignal?: (signal: NodeJS.Signals) => void;
}

/** What {@link runUntilStopSignal} returns: the run's result and the signal that stopped it, if any. */
export interface StopSignalResult<T> {
  readonly value: T;
  readonly stoppedBy: NodeJS.Signals | undefined;
}

/**
 * Runs a training job with stop signals turned into "checkpoint at the next step boundary": the first SIGINT or
 * SIGTERM aborts the `AbortSignal` given to `run` (its `reason` is the signal's name) and the loop checkpoints and
 * returns as `interrupted`; a second one exits the process at once with the shell's code for that signal (a
 * scheduler's grace period may be short, and a user pressing Ctrl-C twice means it). The handlers are removed when
 * `run` settles.
 *
 * @example
 * ```ts
 * const { value, stoppedBy } = await runUntilStopSignal((signal) => runTrainJob(config, { signal }));
 * if (stoppedBy) process.exitCode = signalExitCode(stoppedBy); // 143 for SIGTERM
 * ```
 */
export async function runUntilStopSignal<T>(run: (signal: AbortSignal) => Promise<T>, options: StopSignalOptions = {}): Promise<StopSignalResult<T>> {
  const signals = options.signals ?? STOP_SIGNALS;
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy !== undefined) process.exit(signalExitCode(signal));
    stoppedBy = signal;
    options.onSignal?.(signal);
    controller.abort(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  try {
    const value = await run(controller.signal);
    return { value, stoppedBy };
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}

/**
 * The exit status a shell gives a process ended by `signal` (128 + its number): 130 for SIGINT, 143 for SIGTERM.
 * A run stopped cleanly by a signal exits with it, so scripts and schedulers see that it did not finish.
 *
 * @example
 * ```ts
 * signalExitCode('SIGTERM'); // 143
 * ```
 */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
