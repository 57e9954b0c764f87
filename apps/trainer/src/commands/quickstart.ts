import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { MangaAssistError } from '@mangaassist/common';
import { TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import { formatClassifications, formatHandwrittenScores, QUICKSTART_SIZES, runQuickstart, type QuickstartOptions } from '@mangaassist/pipelines';
import { PLUGINS } from '../tokens';
import type { CommandModule } from './command-module';

/** Options of `mangaassist quickstart`, as commander parses them. */
export interface QuickstartCliOptions {
  readonly out: string;
  readonly fresh?: boolean;
  readonly examples: string;
  readonly epochs: string;
  readonly backend: string;
}

/**
 * `mangaassist quickstart` (`npm run quickstart`): the whole product on one machine, end to end (`runQuickstart` of
 * `@mangaassist/pipelines`) — generate the MangaAssist corpus, fine-tune, calibrate, score on the hand-written
 * evaluation slice, export ONNX, start the server and classify example messages. Progress goes to stderr, the
 * classifications to stdout, then a summary to stderr. Each stage reuses what an earlier run left in `--out` unless
 * `--fresh`.
 *
 * @example
 * ```bash
 * npm run quickstart -- --fresh --examples 3000 --epochs 3
 * ```
 */
export const quickstartCommand: CommandModule = {
  name: 'quickstart',
  register(program: Command, container: DependencyContainer) {
    program
      .command('quickstart')
      .description('generate data, fine-tune, calibrate, export and serve, end to end (writes runs/quickstart)')
      .option('--out <dir>', 'run directory', 'runs/quickstart')
      .option('--fresh', 'start over instead of reusing earlier stages')
      .option('--examples <n>', 'generated messages (80% train, 20% validation)', String(QUICKSTART_SIZES.examples))
      .option('--epochs <n>', 'training epochs', String(QUICKSTART_SIZES.epochs))
      .option('--backend <name>', `TensorFlow.js backend: ${TFJS_BACKEND_REQUESTS.join(', ')}`, 'auto')
      .action(async (options: QuickstartCliOptions) => {
        // A bad flag fails here, before the run directory is touched.
        const result = await runQuickstart(quickstartOptions(options), process.stderr, container.resolve(PLUGINS));
        process.stdout.write(`${formatClassifications(result.classifications)}\n`);
        process.stderr.write(`\ndone in ${result.seconds.toFixed(0)} s; the model is in ${result.paths.model}\n`);
        process.stderr.write(`on messages written by people (${result.paths.handwrittenScores}):\n${formatHandwrittenScores(result.handwritten)}`);
      });
  },
};

/**
 * Checks the command-line options, naming the flags in its errors, and turns them into the typed options of
 * `runQuickstart`.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` for a count that is not a positive integer, or an unknown backend
 *
 * @example
 * ```ts
 * quickstartOptions({ out: 'runs/quickstart', examples: '3000', epochs: '4', backend: 'auto' }); // { …, examples: 3000, epochs: 4 }
 * ```
 */
export function quickstartOptions(options: QuickstartCliOptions): QuickstartOptions {
  const examples = positiveInteger(options.examples, '--examples');
  const epochs = positiveInteger(options.epochs, '--epochs');
  if (!TFJS_BACKEND_REQUESTS.includes(options.backend)) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}, got ${options.backend}`);
  }
  return { out: options.out, fresh: options.fresh ?? false, examples, epochs, backend: options.backend as TfjsBackendRequest };
}

function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new MangaAssistError('INVALID_ARGUMENT', `${flag} must be a positive integer, got ${value}`);
  return n;
}
