import { DATA_FORMATS, DEFAULT_LABELS, MangaAssistError } from '@mangaassist/common';
import { datasetStats, generateCorpus, readDataset, writeJsonl, type Dataset, type DatasetFormat, type DatasetStats, type Distribution } from '@mangaassist/data';
import { formatTfidfBaseline, runTfidfBaseline, type TfidfBaselineOptions } from '@mangaassist/pipelines';
import type { Command } from 'commander';
import type { CommandModule } from './command-module';

/** Options shared by the subcommands that read a dataset file. */
interface ReadCliOptions {
  readonly format?: string;
  readonly textColumn: string;
  readonly labelsColumn: string;
  readonly lenient?: boolean;
}

/**
 * `mangaassist data generate | stats | baseline`: writes the seeded MangaAssist corpus, describes a dataset file
 * (label frequencies, multi-label share, lengths, duplicate rates, vocabulary), and scores the TF-IDF + logistic
 * regression baseline trained on one file against others (`runTfidfBaseline` of `@mangaassist/pipelines`).
 *
 * @example
 * ```bash
 * npm run cli -- data generate --out data/generated.jsonl --n 5000 --seed 7
 * npm run cli -- data stats data/generated.jsonl --json
 * npm run cli -- data baseline --train data/generated.jsonl --eval packages/data/fixtures/handwritten-eval.jsonl --holdout 0.2
 * ```
 */
export const dataCommand: CommandModule = {
  name: 'data',
  register(program: Command) {
    const data = program.command('data').description('generate the MangaAssist corpus and describe dataset files');
    data
      .command('generate')
      .description('write a seeded MangaAssist corpus as JSONL')
      .requiredOption('--out <file>', 'output JSONL file')
      .option('--n <count>', 'number of messages', '5000')
      .option('--seed <seed>', 'seed (same seed and n give the same corpus)', '7')
      .action((options: { out: string; n: string; seed: string }) => {
        const corpus = generateCorpus({ n: integer(options.n, '--n', 1), seed: integer(options.seed, '--seed') });
        writeJsonl(options.out, corpus.examples);
        const stats = datasetStats(corpus.examples, { labels: corpus.labelSchema });
        const shares = stats.labels.map((l) => `${l.label} ${percent(l.assignmentShare)}`).join(', ');
        process.stdout.write(`wrote ${corpus.examples.length} messages to ${options.out} (seed ${options.seed}); label shares: ${shares}; multi-label ${percent(stats.multiLabelShare)}\n`);
      });
    withReadOptions(
      data
        .command('stats')
        .description('label frequencies, multi-label share, lengths, duplicate rates and vocabulary of a dataset file')
        .argument('<file>', 'dataset file')
        .option('--json', 'print the statistics as JSON'),
    ).action((file: string, options: ReadCliOptions & { json?: boolean }) => {
      const { dataset, skipped } = read(file, options);
      const stats = datasetStats(dataset.examples, { labels: dataset.labelSchema });
      process.stdout.write(options.json ? `${JSON.stringify({ file, skipped, ...stats }, null, 2)}\n` : formatStats(file, dataset, stats, skipped));
    });
    withReadOptions(
      data
        .command('baseline')
        .description('train TF-IDF + one-vs-rest logistic regression on one file and score it on others')
        .requiredOption('--train <file>', 'training file')
        .requiredOption('--eval <files...>', 'evaluation file(s)')
        .option('--holdout <fraction>', 'also hold out this stratified share of the training file and score on it')
        .option('--seed <seed>', 'seed of the hold-out split', '1')
        .option('--json', 'print the reports as JSON'),
    ).action((options: ReadCliOptions & { train: string; eval: string[]; holdout?: string; seed: string; json?: boolean }) => {
      const result = runTfidfBaseline(baselineOptions(options));
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatTfidfBaseline(result));
    });
  },
};

/**
 * The text form of `data stats`.
 *
 * @example
 * ```ts
 * process.stdout.write(formatStats('gen.jsonl', dataset, datasetStats(dataset.examples), 0));
 * ```
 */
export function formatStats(file: string, dataset: Dataset, stats: DatasetStats, skipped: number): string {
  const source = dataset.source.kind === 'file' ? dataset.source.format : 'generated';
  const width = Math.max(5, ...stats.labels.map((l) => l.label.length));
  const rows = stats.labels.map(
    (l) => `  ${l.label.padEnd(width)}  ${String(l.count).padStart(6)}  ${percent(l.messageShare).padStart(8)}  ${percent(l.assignmentShare).padStart(11)}${dataset.coveredLabels.includes(l.label) ? '' : '  (not covered)'}`,
  );
  const combos = stats.combinations.slice(0, 8).map((c) => `${c.labels} ${c.count}`).join(', ');
  return [
    `${file} (${source}): ${stats.messages} messages${skipped > 0 ? `, ${skipped} rows skipped` : ''}`,
    `  ${'label'.padEnd(width)}  ${'count'.padStart(6)}  ${'messages'.padStart(8)}  ${'assignments'.padStart(11)}`,
    ...rows,
    `multi-label: ${percent(stats.multiLabelShare)} of messages (mean ${stats.meanLabelsPerMessage.toFixed(2)} labels per message)`,
    `top combinations: ${combos}`,
    `length (characters): ${formatDistribution(stats.lengthChars)}`,
    `length (words):      ${formatDistribution(stats.lengthWords)}`,
    `duplicates: exact ${stats.duplicates.exactCount} (${percent(stats.duplicates.exactRate, 2)}), near ${stats.duplicates.nearCount} (${percent(stats.duplicates.nearRate, 2)})`,
    `  ${stats.duplicates.method}`,
    `vocabulary: ${stats.vocabularySize} word types`,
    '',
  ].join('\n');
}

function withReadOptions(command: Command): Command {
  return command
    .option('--format <format>', `file format: ${DATA_FORMATS.join(', ')} (default: from the extension)`)
    .option('--text-column <name>', 'field or column with the text', 'text')
    .option('--labels-column <name>', 'field or column with the labels', 'labels')
    .option('--lenient', 'skip and count bad rows instead of failing');
}

/** Checks `data baseline`'s flags and converts them to the pipeline's typed options. */
function baselineOptions(options: ReadCliOptions & { train: string; eval: readonly string[]; holdout?: string; seed: string }): TfidfBaselineOptions {
  const format = checkFormat(options.format);
  let holdout: { holdout: number; holdoutText: string; seed: number } | undefined;
  if (options.holdout !== undefined) {
    const fraction = Number(options.holdout);
    if (!(fraction > 0 && fraction < 1)) throw new MangaAssistError('INVALID_ARGUMENT', `--holdout must be a fraction in (0, 1), got ${options.holdout}`, { field: 'holdout' });
    holdout = { holdout: fraction, holdoutText: options.holdout, seed: integer(options.seed, '--seed') };
  }
  return {
    train: options.train,
    eval: options.eval,
    ...holdout,
    ...(format ? { format } : {}),
    textColumn: options.textColumn,
    labelsColumn: options.labelsColumn,
    lenient: options.lenient ?? false,
  };
}

function checkFormat(format: string | undefined): DatasetFormat | undefined {
  if (format !== undefined && !(DATA_FORMATS as readonly string[]).includes(format)) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--format must be one of ${DATA_FORMATS.join(', ')}, got ${format}`, { field: 'format' });
  }
  return format as DatasetFormat | undefined;
}

function read(file: string, options: ReadCliOptions) {
  const format = checkFormat(options.format);
  return readDataset(file, {
    ...(format ? { format } : {}),
    textColumn: options.textColumn,
    labelsColumn: options.labelsColumn,
    labels: DEFAULT_LABELS,
    lenient: options.lenient ?? false,
  });
}

function integer(value: string, flag: string, min = -Infinity): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new MangaAssistError('INVALID_ARGUMENT', `${flag} must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${value}`, { field: flag });
  }
  return parsed;
}

function percent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

function formatDistribution(d: Distribution): string {
  return `min ${d.min}, p10 ${d.p10}, p25 ${d.p25}, median ${d.p50}, p75 ${d.p75}, p90 ${d.p90}, max ${d.max}, mean ${d.mean.toFixed(1)}`;
}
