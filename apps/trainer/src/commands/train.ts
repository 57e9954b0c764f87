import { TFJS_BACKEND_REQUESTS } from '@mangaassist/runtime-tfjs';
import { createConsoleReporter, describeKeptModel, loadTrainJobConfig, runTrainJob, type TrainJobResult } from '@mangaassist/trainer';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { PLUGINS, TRAINING_BACKEND, type CliPlugins } from '../tokens';
import type { CommandModule } from './command-module';
import { checkpointOnInterrupt, type selectTrainingBackend } from './training-run';

/** Options of `mangaassist train`, as commander parses them. */
export interface TrainCliOptions {
  readonly config: string;
  readonly resume?: boolean;
  readonly overwrite?: boolean;
  /** With `--resume`: start a new run when a data file changed since the checkpoint, instead of refusing. */
  readonly restartOnDataChange?: boolean;
  /** Overrides the config's `training.backend`. */
  readonly backend?: string;
  readonly json?: boolean;
}

/**
 * `mangaassist train --config <file>`: fine-tunes the classifier as the YAML/JSON job file says (gradual
 * unfreezing, discriminative rates, AdamW, validation every epoch) into `training.outDir`. A progress bar is drawn
 * on a terminal; `metrics.jsonl` is always written. Ctrl-C or SIGTERM checkpoints after the current step (a second
 * one quits at once); `--resume` continues a stopped or killed run exactly where its last checkpoint left it, and
 * refuses when a data file changed since (`--restart-on-data-change` starts over instead).
 *
 * @example
 * ```bash
 * npm run cli -- train --config configs/goemotions-ulmfit.yaml
 * npm run cli -- train --config configs/goemotions-ulmfit.yaml --resume
 * npm run cli -- train --config configs/goemotions-ulmfit.yaml --backend webgpu
 * ```
 */
export const trainCommand: CommandModule = {
  name: 'train',
  register(program: Command, container: DependencyContainer) {
    program
      .command('train')
      .description('fine-tune the classifier from a YAML/JSON config')
      .requiredOption('--config <file>', 'training job file (YAML or JSON); MANGAASSIST_CFG__* variables override it')
      .option('--resume', 'continue the run in training.outDir from its checkpoint')
      .option('--overwrite', 'start over even if training.outDir already holds a run')
      .option('--restart-on-data-change', 'with --resume: start a new run if a training or validation file changed since the checkpoint (else refused)')
      .option('--backend <name>', `TensorFlow.js backend, overriding training.backend: ${TFJS_BACKEND_REQUESTS.join(', ')}`)
      .option('--json', 'print the run summary as JSON on stdout')
      .action(async (options: TrainCliOptions) => {
        const result = await runTrainCommand(options, container.resolve(PLUGINS), container.resolve(TRAINING_BACKEND));
        // A stop signal already set the exit code (130 for SIGINT, 143 for SIGTERM): checkpointed, not finished.
        process.stdout.write(options.json ? `${JSON.stringify({ ...result.summary, wallSeconds: result.wallSeconds }, null, 2)}\n` : formatTrainResult(result));
      });
  },
};

/**
 * The command's work without printing the result: loads the config and registers its `plugins` packages on
 * `plugins` (so that their ids select them), selects the backend with `selectBackend` (with the native cpu kernels
 * when the pure-JS backend is chosen), and runs the job with a console reporter on stderr.
 *
 * @example
 * ```ts
 * const c = createContainer();
 * const { summary } = await runTrainCommand({ config: 'configs/quickstart.yaml', overwrite: true }, c.resolve(PLUGINS), c.resolve(TRAINING_BACKEND));
 * ```
 */
export async function runTrainCommand(
  options: TrainCliOptions,
  plugins: CliPlugins,
  selectBackend: typeof selectTrainingBackend,
): Promise<TrainJobResult> {
  const { config } = loadTrainJobConfig(options.config, plugins);
  // The flag wins over the config; an unknown value is reported under the name the user typed.
  if (options.backend !== undefined) await selectBackend(options.backend, '--backend', 'INVALID_ARGUMENT');
  else await selectBackend(config.training.backend, 'training.backend');
  return checkpointOnInterrupt((signal) =>
    runTrainJob(config, {
      plugins,
      resume: options.resume ?? false,
      overwrite: options.overwrite ?? false,
      restartOnDataChange: options.restartOnDataChange ?? false,
      reporter: createConsoleReporter(process.stderr),
      signal,
      log: (line) => process.stderr.write(`${line}\n`),
    }),
  );
}

/**
 * The human-readable end of a run: where it stands, the best validation macro-F1 and the time it took.
 *
 * @example
 * ```ts
 * process.stdout.write(formatTrainResult(await runTrainCommand(options)));
 * ```
 */
export function formatTrainResult({ summary, wallSeconds }: TrainJobResult): string {
  const best = summary.best
    ? `best validation macro-F1 ${summary.best.macroF1.toFixed(4)} (epoch ${summary.best.epoch}) over ${summary.evalLabels.join(', ')}`
    : 'no validation finished';
  return [
    `${summary.stopReason}: ${summary.epochs} epoch(s), ${summary.globalStep} steps on ${summary.trainExamples} examples ` +
      `(validation ${summary.validationExamples})`,
    best,
    `time: ${wallSeconds.toFixed(1)} s in this process, ${summary.trainSeconds.toFixed(1)} s of training over the run`,
    describeKeptModel(summary),
    `run directory: ${summary.runDir} (kept model: ${summary.modelDir ?? 'none'})`,
    '',
  ].join('\n');
}
