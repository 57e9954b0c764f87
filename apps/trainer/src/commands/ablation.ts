import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MangaAssistError, sharedAsset } from '@mangaassist/common';
import { registerNativeCpuKernels } from '@mangaassist/cpu-kernels';
import { selectTfjsBackend, TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import { loadAblationConfig, runAblation, writeAblationReport, type AblationOutcome } from '@mangaassist/pipelines';
import type { CommandModule } from './command-module';

/** Options of `mangaassist ablation`. */
export interface AblationCliOptions {
  readonly config: string;
  readonly backend: string;
}

/**
 * `mangaassist ablation --config <yaml>`: the design document's ablation table (head-only → full fine-tune → discriminative
 * rates → gradual unfreezing → focal loss → thresholds → churn rule) and loss comparison on one data set, written
 * as a Markdown report with plots under `runs/<name>/report/`; each table also scores every row on the config's
 * hand-written slices and has a TF-IDF baseline row. Finished rows are reused, so an interrupted ablation resumes.
 *
 * @example
 * ```bash
 * npm run cli -- ablation --config configs/ablation-mangaassist.yaml
 * ```
 */
export const ablationCommand: CommandModule = {
  name: 'ablation',
  register(program: Command) {
    program
      .command('ablation')
      .description('run the ablation table and loss comparison from a YAML config (writes runs/<name>/report)')
      .requiredOption('--config <file>', 'ablation file (YAML or JSON), see configs/ablation-*.yaml')
      .option('--backend <name>', `TensorFlow.js backend: ${TFJS_BACKEND_REQUESTS.join(', ')}`, 'auto')
      .action(async (options: AblationCliOptions) => {
        const { report } = await runAblationCommand(options);
        process.stdout.write(`report: ${report}\n`);
      });
  },
};

/**
 * The command's work: loads the config, selects the backend, runs the rows and writes the report.
 *
 * @example
 * ```ts
 * const { report, outcome } = await runAblationCommand({ config: 'configs/ablation-goemotions.yaml', backend: 'cpu' });
 * ```
 */
export async function runAblationCommand(options: AblationCliOptions): Promise<{ report: string; outcome: AblationOutcome }> {
  const started = performance.now();
  if (!TFJS_BACKEND_REQUESTS.includes(options.backend)) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}, got ${options.backend}`);
  }
  const config = loadAblationConfig(options.config);
  const selection = await selectTfjsBackend({
    backend: options.backend as TfjsBackendRequest,
    accelerateCpu: () => void registerNativeCpuKernels(),
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(selection.message);
  const outcome = await runAblation(config, { log });
  const report = writeAblationReport(outcome, {
    command: `mangaassist ablation --config ${options.config} --backend ${options.backend}`,
    encoder: encoderNote(String((config.base.model as { pretrained?: unknown } | undefined)?.pretrained ?? 'distilbert-base-uncased')),
    backend: selection.name,
    wallSeconds: (performance.now() - started) / 1000,
  });
  return { report, outcome };
}

function encoderNote(pretrained: string): string {
  const standIn = sharedAsset('models/mini-distilbert-mlm/config.json');
  if (standIn && resolve(pretrained) === resolve(standIn, '..')) {
    return `encoder: the small MLM-pretrained stand-in ${pretrained} (4 layers, dim 256), NOT distilbert-base-uncased`;
  }
  return `encoder: ${pretrained}`;
}
