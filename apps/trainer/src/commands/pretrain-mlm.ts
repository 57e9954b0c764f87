import { applyEnvOverrides, parseConfig, pretrainMlmConfigSchema, readConfigFile, type PretrainMlmConfig } from '@mangaassist/common';
import { createMlmConsoleReporter, formatMlmEvaluation, runPretrainMlmJob, type PretrainMlmJobResult } from '@mangaassist/trainer';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { TRAINING_BACKEND } from '../tokens';
import type { CommandModule } from './command-module';
import { checkpointOnInterrupt, selectTrainingBackend } from './training-run';

/** Options of `mangaassist pretrain-mlm`, as commander parses them (numbers arrive as strings). */
export interface PretrainMlmCliOptions {
  readonly config?: string;
  readonly model?: string;
  readonly data?: readonly string[];
  readonly textColumn?: string;
  readonly generated?: string;
  readonly out?: string;
  readonly maxLength?: string;
  readonly epochs?: string;
  readonly maxSteps?: string;
  readonly batchSize?: string;
  readonly lr?: string;
  readonly seed?: string;
  readonly backend?: string;
  readonly resume?: boolean;
  readonly overwrite?: boolean;
  /** With `--resume`: start a new run when a text file changed since the checkpoint, instead of refusing. */
  readonly restartOnDataChange?: boolean;
  readonly json?: boolean;
}

/**
 * `mangaassist pretrain-mlm`: continues masked-LM pretraining of a DistilBERT checkpoint on unlabelled text (ULMFiT's
 * middle stage) and writes a `DistilBertForMaskedLM` directory that `train` takes as `model.pretrained` and that
 * `pretrain-mlm --model` continues. Settings come from `--config` (YAML/JSON, `MANGAASSIST_CFG__*` overrides), then
 * the flags; without data flags or `data.sources`, GoEmotions' training comments and the generated MangaAssist
 * corpus are read. Prints the held-out masked-LM loss before and after; Ctrl-C or SIGTERM checkpoints (a second one
 * quits at once), `--resume` continues (refused when a `--data` file changed since, unless `--restart-on-data-change`).
 *
 * @example
 * ```bash
 * npm run cli -- pretrain-mlm --model ../shared/models/mini-distilbert-mlm --out runs/dapt --max-steps 300
 * npm run cli -- pretrain-mlm --model runs/dapt --data chats.jsonl --text-column message --out runs/dapt-2
 * ```
 */
export const pretrainMlmCommand: CommandModule = {
  name: 'pretrain-mlm',
  register(program: Command, container: DependencyContainer) {
    program
      .command('pretrain-mlm')
      .description('continue masked-LM pretraining of an encoder on unlabelled text (domain adaptation)')
      .option('--config <file>', 'pretraining job file (YAML or JSON: model, data, masking, schedule, optimizer, training)')
      .option('--model <dir|id>', 'model.pretrained: a DistilBERT directory or hub id (an MLM head is kept, or made new)')
      .option('--data <files...>', 'text files (.txt a text per line, .jsonl, .csv, .tsv) instead of the default corpus')
      .option('--text-column <name>', 'field (JSONL) or column (CSV/TSV) holding the text (default text)')
      .option('--generated <n>', 'also use n messages of the generated MangaAssist corpus (with --data)')
      .option('--out <dir>', 'training.outDir: the output model directory (with checkpoint, metrics and summary)')
      .option('--max-length <n>', 'model.maxLength: tokens per text, [CLS] and [SEP] included (default 64)')
      .option('--epochs <n>', 'schedule.epochs (default 1)')
      .option('--max-steps <n>', 'training.maxSteps: stop after this many steps')
      .option('--batch-size <n>', 'training.batchSize (default 32)')
      .option('--lr <rate>', 'optimizer.baseLr (default 5e-5)')
      .option('--seed <n>', 'training.seed (default 42)')
      .option('--backend <name>', 'training.backend (auto, tensorflow, webgpu, cpu, …)')
      .option('--resume', 'continue the run in the output directory from its checkpoint')
      .option('--overwrite', 'start over even if the output directory already holds a run')
      .option('--restart-on-data-change', 'with --resume: start a new run if a --data file changed since the checkpoint (else refused)')
      .option('--json', 'print the run summary as JSON on stdout')
      .action(async (options: PretrainMlmCliOptions) => {
        const result = await runPretrainMlmCommand(options, container.resolve(TRAINING_BACKEND));
        // A stop signal already set the exit code (130 for SIGINT, 143 for SIGTERM): checkpointed, not finished.
        process.stdout.write(options.json ? `${JSON.stringify({ ...result.summary, wallSeconds: result.wallSeconds, sources: result.sources }, null, 2)}\n` : formatPretrainMlmResult(result));
      });
  },
};

/**
 * The job's configuration: the `--config` file (or nothing), `MANGAASSIST_CFG__*` overrides, then the flags, validated
 * by `pretrainMlmConfigSchema`; an error names the file (or "command-line options"), each bad field and the allowed
 * values.
 *
 * @example
 * ```ts
 * pretrainMlmConfig({ model: '../shared/models/mini-distilbert-mlm', maxSteps: '300' }).training.maxSteps; // 300
 * ```
 */
export function pretrainMlmConfig(options: PretrainMlmCliOptions): PretrainMlmConfig {
  const raw = (options.config ? readConfigFile(options.config) : applyEnvOverrides({})) as Record<string, Record<string, unknown> | undefined>;
  const section = (name: string, values: Record<string, unknown>) => {
    const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
    if (Object.keys(defined).length > 0) raw[name] = { ...(raw[name] ?? {}), ...defined };
  };
  // Flags carry strings; a non-number stays a string, so zod's error names the field and what it expected.
  const number = (value: string | undefined) => (value === undefined ? undefined : value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value);
  section('model', { pretrained: options.model, maxLength: number(options.maxLength) });
  section('schedule', { epochs: number(options.epochs) });
  section('optimizer', { baseLr: number(options.lr) });
  section('training', {
    outDir: options.out,
    maxSteps: number(options.maxSteps),
    batchSize: number(options.batchSize),
    seed: number(options.seed),
    backend: options.backend,
  });
  if (options.data || options.generated) {
    const files = (options.data ?? []).map((path) => ({ kind: 'file', path, ...(options.textColumn ? { textColumn: options.textColumn } : {}) }));
    const generated = options.generated === undefined ? [] : [{ kind: 'generated', n: number(options.generated) }];
    section('data', { sources: [...files, ...generated] });
  }
  const flags = Object.keys(options).filter((k) => !['config', 'resume', 'overwrite', 'restartOnDataChange', 'json'].includes(k));
  const source = options.config ? `${options.config}${flags.length > 0 ? ' with command-line options' : ''}` : 'command-line options';
  return parseConfig(pretrainMlmConfigSchema, raw, source);
}

/**
 * The command's work without printing the result: builds the configuration, selects the backend with `selectBackend`
 * as `train` does (native CPU kernels on the `cpu` backend) and runs the job with a console reporter on stderr.
 *
 * @example
 * ```ts
 * const { summary } = await runPretrainMlmCommand({ model: 'runs/dapt', out: 'runs/dapt-2', maxSteps: '100' });
 * ```
 */
export async function runPretrainMlmCommand(
  options: PretrainMlmCliOptions,
  selectBackend: typeof selectTrainingBackend = selectTrainingBackend,
): Promise<PretrainMlmJobResult> {
  const config = pretrainMlmConfig(options);
  await selectBackend(config.training.backend, 'training.backend');
  return checkpointOnInterrupt((signal) =>
    runPretrainMlmJob(config, {
      resume: options.resume ?? false,
      overwrite: options.overwrite ?? false,
      restartOnDataChange: options.restartOnDataChange ?? false,
      reporter: createMlmConsoleReporter(process.stderr, { everySteps: config.training.logEverySteps }),
      signal,
      log: (line) => process.stderr.write(`${line}\n`),
    }),
  );
}

/**
 * The human-readable end of a run: the held-out loss before and after, steps, time, throughput and where the model is.
 *
 * @example
 * ```ts
 * process.stdout.write(formatPretrainMlmResult(await runPretrainMlmCommand(options)));
 * ```
 */
export function formatPretrainMlmResult({ summary, wallSeconds }: PretrainMlmJobResult): string {
  const { before, after } = summary.heldOut;
  return [
    `${summary.stopReason}: ${summary.globalStep} of ${summary.totalSteps} steps, batch ${summary.batchSize}, on ${summary.trainTexts} texts (${summary.heldOutTexts} held out)`,
    `held-out before: ${formatMlmEvaluation(before)}`,
    after ? `held-out after:  ${formatMlmEvaluation(after)}` : 'held-out after:  not finished (resume with --resume)',
    `time: ${summary.trainSeconds.toFixed(1)} s of training (${Math.round(summary.tokensPerSecond)} tokens/s), ` +
      `${summary.evalSeconds.toFixed(1)} s of held-out evaluation, ${wallSeconds.toFixed(1)} s in this process`,
    `model: ${summary.modelDir ?? 'not written yet'}; summary: ${summary.runDir}/mlm-summary.json`,
    '',
  ].join('\n');
}
