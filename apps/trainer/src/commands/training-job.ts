import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMangaAssistError, MangaAssistError } from '@mangaassist/common';
import { createConsoleReporter, RUN_FILES, runTrainJob, type TrainJobResult, type TrainReporter } from '@mangaassist/trainer';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { PLUGINS, TRAINING_BACKEND, type CliPlugins } from '../tokens';
import type { CommandModule } from './command-module';
import { formatTrainResult } from './train';
import { buildContractJobConfig, nameHyperparameters } from './training-job/job-config';
import { CHANNELS, DEFAULT_ML_ROOT, ML_ROOT_ENV, resolveJobLayout, type JobLayout } from './training-job/job-layout';
import { createMetricLineReporter } from './training-job/metric-lines';
import { checkpointOnInterrupt, type selectTrainingBackend } from './training-run';

/** The mode argument the platform passes to a training container (`docker run <image> train`). */
const TRAIN_MODE = 'train';

/** Run files copied to the output data folder beside the model, when the run wrote them. */
const PUBLISHED_RUN_FILES = ['config.json', RUN_FILES.summary, RUN_FILES.metrics, RUN_FILES.report, RUN_FILES.curves];

/**
 * `mangaassist training-job [train]`: the entrypoint of the training container, under the managed training-job
 * contract of the design document's cloud estimator. Input channels come from `SM_CHANNEL_<NAME>` or
 * `/opt/ml/input/data/<channel>` (`train`, optional `validation`, `pretrained`, `config`), hyperparameters from
 * `/opt/ml/input/config/hyperparameters.json` (string values); the best model goes to `SM_MODEL_DIR`
 * (`/opt/ml/model`), the summary, metrics and report to `/opt/ml/output/data`; `metrics:` lines on stdout feed the
 * platform's metric regexes. On error the reason is written to `/opt/ml/output/failure` and the exit code is 1;
 * SIGTERM checkpoints into `/opt/ml/checkpoints` and a restarted job resumes there. `MANGAASSIST_ML_ROOT` moves
 * `/opt/ml`.
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
        await runTrainingJob(process.env, container.resolve(PLUGINS), container.resolve(TRAINING_BACKEND));
      });
  },
};

/**
 * The training job: resolves the contract's layout from `env`, runs it and publishes the model, or writes the
 * failure file and rethrows (so the process exits with 1 and the error on stderr). A stop signal checkpoints, writes
 * the failure file and leaves the signal's exit code (143 for SIGTERM).
 *
 * @example
 * ```ts
 * const c = createContainer();
 * await runTrainingJob({ ...process.env, MANGAASSIST_ML_ROOT: '/tmp/job' }, c.resolve(PLUGINS), c.resolve(TRAINING_BACKEND));
 * ```
 */
export async function runTrainingJob(env: NodeJS.ProcessEnv, plugins: CliPlugins, selectBackend: typeof selectTrainingBackend): Promise<TrainJobResult> {
  let layout: JobLayout | undefined;
  try {
    layout = resolveJobLayout(env);
    // A misnamed channel (`eval` for `validation`) would otherwise be ignored without a word.
    for (const name of layout.unknownChannels) {
      process.stderr.write(`warning: channel ${name} is not read by this job (channels: ${CHANNELS.join(', ')})\n`);
    }
    rmSync(join(layout.outputDir, 'failure'), { force: true });
    const result = await trainUnderContract(layout, env, plugins, selectBackend);
    if (result.summary.stopReason === 'interrupted') {
      writeFailure(layout, `stopped by a signal after checkpointing in ${result.summary.runDir}; a restarted job resumes from there`);
    }
    return result;
  } catch (error) {
    writeFailure(layout ?? resolveFallbackLayout(env), isMangaAssistError(error) ? `error [${error.code}]: ${error.message}` : String(error));
    throw error;
  }
}

async function trainUnderContract(layout: JobLayout, env: NodeJS.ProcessEnv, plugins: CliPlugins, selectBackend: typeof selectTrainingBackend): Promise<TrainJobResult> {
  const { config, origin } = buildContractJobConfig(layout, plugins, env);
  const backendField = origin.has('training.backend') ? 'hyperparameter backend' : 'training.backend';
  await selectBackend(config.training.backend, backendField);
  const runDir = config.training.outDir;
  // A job restarted after an interruption (spot capacity, a stop) finds its checkpoint and continues.
  const resume = existsSync(join(runDir, RUN_FILES.checkpoint));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (resume) log(`resuming the run checkpointed in ${runDir}`);
  const reporter = combineReporters(createConsoleReporter(process.stderr), createMetricLineReporter((text) => process.stdout.write(text), config.training.logEverySteps));
  let result: TrainJobResult;
  try {
    result = await checkpointOnInterrupt((signal) => runTrainJob(config, { plugins, resume, reporter, signal, log }));
  } catch (error) {
    throw nameHyperparameters(error, origin);
  }
  if (result.summary.stopReason === 'interrupted') return result;
  if (!result.summary.bestModelDir) {
    throw new MangaAssistError('NOT_FOUND', `the run in ${runDir} saved no model (no validation finished); nothing to put in ${layout.modelDir}`, { runDir });
  }
  publish(layout, runDir, result.summary.bestModelDir);
  process.stdout.write(formatTrainResult(result));
  process.stdout.write(`model: ${layout.modelDir}; results: ${layout.outputDataDir}\n`);
  return result;
}

/** Copies the best model into the model directory and the run's record into the output data folder. */
function publish(layout: JobLayout, runDir: string, bestModelDir: string): void {
  mkdirSync(layout.modelDir, { recursive: true });
  cpSync(bestModelDir, layout.modelDir, { recursive: true });
  mkdirSync(layout.outputDataDir, { recursive: true });
  for (const name of PUBLISHED_RUN_FILES) {
    const from = join(runDir, name);
    if (existsSync(from)) cpSync(from, join(layout.outputDataDir, name));
  }
}

/** Writes the reason to `<output>/failure`, which the platform shows as the job's failure reason. */
function writeFailure(layout: Pick<JobLayout, 'outputDir'>, reason: string): void {
  try {
    mkdirSync(layout.outputDir, { recursive: true });
    writeFileSync(join(layout.outputDir, 'failure'), `${reason}\n`);
  } catch (error) {
    // The reason still reaches stderr through the caller; a read-only output folder must not hide it.
    process.stderr.write(`cannot write the failure file in ${layout.outputDir}: ${(error as Error).message}\n`);
  }
}

/** The output folder when the layout itself could not be resolved (a bad `SM_CHANNEL_*`). */
function resolveFallbackLayout(env: NodeJS.ProcessEnv): Pick<JobLayout, 'outputDir'> {
  return { outputDir: join(env[ML_ROOT_ENV] || DEFAULT_ML_ROOT, 'output') };
}

/** One reporter that calls each of `reporters` in turn. */
function combineReporters(...reporters: TrainReporter[]): TrainReporter {
  return {
    onStart: async (info) => {
      for (const r of reporters) await r.onStart?.(info);
    },
    onStep: async (record) => {
      for (const r of reporters) await r.onStep?.(record);
    },
    onEpoch: async (record) => {
      for (const r of reporters) await r.onEpoch?.(record);
    },
    onCheckpoint: async (info) => {
      for (const r of reporters) await r.onCheckpoint?.(info);
    },
    onEnd: async (summary) => {
      for (const r of reporters) await r.onEnd?.(summary);
    },
  };
}
