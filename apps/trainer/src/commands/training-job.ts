import { MangaAssistError } from '@mangaassist/common';
import { runTrainingJob } from '@mangaassist/pipelines';
import type { TrainJobResult } from '@mangaassist/trainer';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { PLUGINS, TRAINING_BACKEND, type CliPlugins } from '../tokens';
import type { CommandModule } from './command-module';
import { formatTrainResult } from './train';
import { checkpointOnInterrupt, type selectTrainingBackend } from './training-run';

/** The mode argument the platform passes to a training container (`docker run <image> train`). */
const TRAIN_MODE = 'train';

/**
 * `mangaassist training-job [train]`: the entrypoint of the training container, under the managed training-job
 * contract of the design document's cloud estimator. Input channels come from `SM_CHANNEL_<NAME>` or
 * `/opt/ml/input/data/<channel>` (`train`, optional `validation`, `pretrained`, `config`), hyperparameters from
 * `/opt/ml/input/config/hyperparameters.json` (string values); the best model goes to `SM_MODEL_DIR`
 * (`/opt/ml/model`), the summary, metrics and report to `/opt/ml/output/data`; `metrics:` lines on stdout feed the
 * platform's metric regexes. On error the reason is written to `/opt/ml/output/failure` and the exit code is 1;
 * SIGTERM checkpoints into `/opt/ml/checkpoints` and a restarted job resumes there. `MANGAASSIST_ML_ROOT` moves
 * `/opt/ml`. The contract itself is `runTrainingJob` of `@mangaassist/pipelines`.
 *
 * @example
 * ```bash
 * MANGAASSIST_ML_ROOT=/tmp/job npm run cli -- training-job
 * docker run -v /tmp/job:/opt/ml mangaassist-trainer train
 * ```
 */
export const trainingJobCommand: CommandModule = {
  name: 'training-job',
  register(program: Command, container: DependencyContainer) {
    program
      .command('training-job')
      .description('train as a managed training job: channels, hyperparameters.json and outputs under /opt/ml (MANGAASSIST_ML_ROOT)')
      .argument('[mode]', `the platform's mode argument; only "${TRAIN_MODE}"`)
      .action(async (mode: string | undefined) => {
        if (mode !== undefined && mode !== TRAIN_MODE) {
          throw new MangaAssistError('INVALID_ARGUMENT', `training-job mode must be "${TRAIN_MODE}" (this container only trains); got ${JSON.stringify(mode)}`, {
            field: 'mode',
            allowed: [TRAIN_MODE],
          });
        }
        await runTrainingJobCommand(process.env, container.resolve(PLUGINS), container.resolve(TRAINING_BACKEND));
      });
  },
};

/**
 * The training job as the command runs it: `runTrainingJob` of `@mangaassist/pipelines` with the command's
 * plugins, backend selection and SIGINT/SIGTERM checkpointing, then the result on
 * stdout when the model was published. A stop signal checkpoints, writes the failure file and leaves the signal's
 * exit code (143 for SIGTERM); an error writes the failure file and is rethrown (exit code 1, the error on stderr).
 *
 * @example
 * ```ts
 * const c = createContainer();
 * await runTrainingJobCommand({ ...process.env, MANGAASSIST_ML_ROOT: '/tmp/job' }, c.resolve(PLUGINS), c.resolve(TRAINING_BACKEND));
 * ```
 */
export async function runTrainingJobCommand(env: NodeJS.ProcessEnv, plugins: CliPlugins, selectBackend: typeof selectTrainingBackend): Promise<TrainJobResult> {
  const { result, layout, published } = await runTrainingJob({ env, plugins, selectBackend, runInterruptible: checkpointOnInterrupt });
  if (published) {
    process.stdout.write(formatTrainResult(result));
    process.stdout.write(`model: ${layout.modelDir}; results: ${layout.outputDataDir}\n`);
  }
  return result;
}
