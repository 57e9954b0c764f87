import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MangaAssistError, sharedAsset } from '@mangaassist/common';
import {
  ablationIndexedJob,
  collectAblation,
  loadAblationConfig,
  runAblation,
  runAblationRow,
  selectBackendWithNativeKernels,
  writeAblationReport,
  writeAblationRowFile,
  type AblationConfig,
  type AblationIndexedJob,
  type AblationOutcome,
} from '@mangaassist/pipelines';
import { TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import YAML from 'yaml';
import type { CommandModule } from './command-module';

/** Options of `mangaassist ablation`. */
export interface AblationCliOptions {
  readonly config: string;
  readonly backend: string;
  /** Train and score one row (a run of the plan) alone and write its row file to `out`. */
  readonly row?: string;
  readonly out?: string;
  /** Build the report from the row files in this folder. */
  readonly collect?: string;
  /** Write the Kubernetes Indexed Job that runs every row as a pod. */
  readonly emitIndexedJob?: string;
  readonly pvc?: string;
  readonly image?: string;
  readonly mountPath?: string;
  readonly volumeConfig?: string;
  readonly parallelism?: string;
}

/**
 * `mangaassist ablation --config <yaml>`: the design document's ablation table (head-only → full fine-tune → discriminative
 * rates → gradual unfreezing → focal loss → thresholds → churn rule) and loss comparison on one data set, written
 * as a Markdown report with plots under `runs/<name>/report/`; each table also scores every row on the config's
 * hand-written slices and has a TF-IDF baseline row. Finished rows are reused, so an interrupted ablation resumes.
 * At scale, `--emit-indexed-job` writes a Kubernetes Indexed Job whose pods each run `--row <i> --out <dir>`, and
 * `--collect <dir>` builds the same report from their row files.
 *
 * @example
 * ```bash
 * npm run cli -- ablation --config configs/ablation-mangaassist.yaml
 * npm run cli -- ablation --config configs/ablation-mangaassist.yaml --emit-indexed-job ablation-job.yaml --pvc ablation-data
 * ```
 */
export const ablationCommand: CommandModule = {
  name: 'ablation',
  register(program: Command) {
    program
      .command('ablation')
      .description('run the ablation table and loss comparison from a YAML config (writes runs/<name>/report), in one process or one row per pod')
      .requiredOption('--config <file>', 'ablation file (YAML or JSON), see configs/ablation-*.yaml')
      .option('--backend <name>', `TensorFlow.js backend: ${TFJS_BACKEND_REQUESTS.join(', ')}`, 'auto')
      .option('--row <index>', 'train and score only this row (a training run of the plan, 0-based) and write its row file to --out')
      .option('--out <dir>', 'with --row: the folder of the row files (shared by every row)')
      .option('--collect <dir>', 'build the report from the row files in this folder (trains nothing); exits 1 when rows are missing')
      .option('--emit-indexed-job <file>', 'write a Kubernetes Indexed Job (batch/v1) with one pod per row, then exit')
      .option('--pvc <claim>', 'with --emit-indexed-job: the PersistentVolumeClaim the pods share (config, runs, row files, report)')
      .option('--image <ref>', 'with --emit-indexed-job: the trainer image (default: the one of deploy/k8s/training-job.yaml)')
      .option('--mount-path <path>', 'with --emit-indexed-job: where the pods mount the claim', '/mnt/ablation')
      .option('--volume-config <path>', 'with --emit-indexed-job: the config file as the pods see it (default: <mount-path>/<config file name>)')
      .option('--parallelism <n>', 'with --emit-indexed-job: pods at once (default: every row)')
      .action(async (options: AblationCliOptions) => {
        const mode = ablationMode(options);
        if (mode === 'emit') {
          const { file, job } = emitAblationIndexedJob(options);
          const completions = (job.manifest.spec as { completions: number }).completions;
          process.stdout.write(
            `indexed job: ${file} (${completions} pods, one per training run of the plan; row files in ${job.resultsDir})\n` +
              `then: MANGAASSIST_CFG__OUT_ROOT=${job.outRoot} mangaassist ${job.collectArgs.join(' ')}\n`,
          );
        } else if (mode === 'row') {
          const { file } = await runAblationRowCommand(options);
          process.stdout.write(`row file: ${file}\n`);
        } else {
          const { report, outcome } = await runAblationCommand(options);
          process.stdout.write(`report: ${report}\n`);
          if (outcome.missing.length > 0) {
            process.stderr.write(`incomplete: rows ${outcome.missing.map((m) => `${m.index} (${m.run})`).join(', ')} have no row file in ${options.collect}\n`);
            process.exitCode = 1;
          }
        }
      });
  },
};

type AblationMode = 'in-process' | 'row' | 'collect' | 'emit';

/** Which mode the options ask for, refusing combinations that mean nothing. */
function ablationMode(options: AblationCliOptions): AblationMode {
  const given = (['row', 'collect', 'emitIndexedJob'] as const).filter((key) => options[key] !== undefined);
  if (given.length > 1) throw invalid(`give one of --row, --collect and --emit-indexed-job, not ${given.map(flag).join(' and ')}`);
  if (options.row !== undefined && options.out === undefined) throw invalid('--row needs --out <dir>, the folder of the row files');
  if (options.out !== undefined && options.row === undefined) throw invalid('--out goes with --row <index>');
  const jobOnly = (['pvc', 'image', 'volumeConfig', 'parallelism'] as const).filter((key) => options[key] !== undefined);
  if (options.emitIndexedJob === undefined && jobOnly.length > 0) throw invalid(`${jobOnly.map(flag).join(', ')}: only with --emit-indexed-job <file>`);
  if (options.emitIndexedJob !== undefined && options.pvc === undefined) throw invalid('--emit-indexed-job needs --pvc <claim>, the volume the pods share');
  if (options.row !== undefined) return 'row';
  if (options.collect !== undefined) return 'collect';
  return options.emitIndexedJob !== undefined ? 'emit' : 'in-process';
}

/**
 * The in-process ablation, or with `collect` the report from row files: loads the config, selects the backend
 * (training only), runs or collects the rows and writes the report.
 *
 * @example
 * ```ts
 * const { report, outcome } = await runAblationCommand({ config: 'configs/ablation-goemotions.yaml', backend: 'cpu' });
 * const collected = await runAblationCommand({ config: 'configs/ablation-goemotions.yaml', backend: 'cpu', collect: 'runs/shared/row-results' });
 * ```
 */
export async function runAblationCommand(options: AblationCliOptions): Promise<{ report: string; outcome: AblationOutcome }> {
  const started = performance.now();
  checkBackend(options.backend);
  const config = loadAblationConfig(options.config);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let outcome: AblationOutcome;
  let backend: string;
  let command = `mangaassist ablation --config ${options.config} --backend ${options.backend}`;
  if (options.collect !== undefined) {
    // Collecting trains and predicts nothing: the row files hold the scores.
    const collected = await collectAblation(config, options.collect, { log });
    outcome = collected.outcome;
    backend = `${collected.backends.join(', ')} (of the row processes)`;
    command = `mangaassist ablation --config ${options.config} --collect ${options.collect}`;
  } else {
    backend = (await selectBackend(options.backend, log)).name;
    outcome = await runAblation(config, { log });
  }
  const report = writeAblationReport(outcome, {
    command,
    encoder: encoderNote(config),
    backend,
    wallSeconds: (performance.now() - started) / 1000,
    ...(options.collect !== undefined ? { trainedBy: 'the row processes' } : {}),
  });
  return { report, outcome };
}

/**
 * `--row <i> --out <dir>`: trains and scores run `i` of the plan alone and writes `<dir>/row-000i.json` atomically.
 *
 * @example
 * ```ts
 * const { file } = await runAblationRowCommand({ config: 'tiny.yaml', backend: 'cpu', row: '1', out: 'runs/shared/row-results' });
 * ```
 */
export async function runAblationRowCommand(options: AblationCliOptions): Promise<{ file: string }> {
  checkBackend(options.backend);
  if (options.row === undefined || !/^\d+$/.test(options.row)) throw invalid(`--row must be a row index (0, 1, …), got ${options.row}`);
  if (options.out === undefined) throw invalid('--row needs --out <dir>, the folder of the row files');
  const index = Number(options.row);
  const config = loadAblationConfig(options.config);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const selection = await selectBackend(options.backend, log);
  const run = await runAblationRow(config, index, { log });
  return { file: writeAblationRowFile(options.out, config, index, run, selection.name) };
}

/**
 * `--emit-indexed-job <file> --pvc <claim>`: writes the Kubernetes Indexed Job (YAML, or JSON for a `.json` file).
 *
 * @example
 * ```ts
 * const { job } = emitAblationIndexedJob({ config: 'configs/ablation-mangaassist.yaml', backend: 'auto', emitIndexedJob: 'job.yaml', pvc: 'ablation-data' });
 * ```
 */
export function emitAblationIndexedJob(options: AblationCliOptions): { file: string; job: AblationIndexedJob } {
  checkBackend(options.backend);
  if (options.emitIndexedJob === undefined || options.pvc === undefined) throw invalid('--emit-indexed-job <file> needs --pvc <claim>');
  if (options.parallelism !== undefined && !/^\d+$/.test(options.parallelism)) throw invalid(`--parallelism must be a positive integer, got ${options.parallelism}`);
  const config: AblationConfig = loadAblationConfig(options.config);
  const job = ablationIndexedJob(config, {
    claimName: options.pvc,
    backend: options.backend,
    ...(options.mountPath !== undefined ? { mountPath: options.mountPath } : {}),
    ...(options.image !== undefined ? { image: options.image } : {}),
    ...(options.volumeConfig !== undefined ? { configPath: options.volumeConfig } : {}),
    ...(options.parallelism !== undefined ? { parallelism: Number(options.parallelism) } : {}),
  });
  const file = options.emitIndexedJob;
  writeFileSync(file, file.endsWith('.json') ? `${JSON.stringify(job.manifest, null, 2)}\n` : YAML.stringify(job.manifest));
  return { file, job };
}

function checkBackend(backend: string): void {
  if (!TFJS_BACKEND_REQUESTS.includes(backend)) throw invalid(`--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}, got ${backend}`);
}

async function selectBackend(backend: string, log: (line: string) => void) {
  const selection = await selectBackendWithNativeKernels(backend as TfjsBackendRequest);
  log(selection.message);
  return selection;
}

function flag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function invalid(message: string): MangaAssistError {
  return new MangaAssistError('INVALID_ARGUMENT', message);
}

function encoderNote(config: AblationConfig): string {
  const pretrained = String((config.base.model as { pretrained?: unknown } | undefined)?.pretrained ?? 'distilbert-base-uncased');
  const standIn = sharedAsset('models/mini-distilbert-mlm/config.json');
  if (standIn && resolve(pretrained) === resolve(standIn, '..')) {
    return `encoder: the small MLM-pretrained stand-in ${pretrained} (4 layers, dim 256), NOT distilbert-base-uncased`;
  }
  return `encoder: ${pretrained}`;
}
