import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { HANDWRITTEN_SLICE_FILES, type HandwrittenSliceId } from '@mangaassist/data';
import { atomicWriteFile, type TrainSummary } from '@mangaassist/trainer';
import { z } from 'zod';
import type { AblationConfig } from './ablation-config';
import type { ValidationScores } from './ablation-evaluate';
import { ablationPlan, assembleAblation, type AblationOutcome, type AblationRun, type MissingRun } from './ablation-runner';

/** The `format` field of a row file. */
export const ABLATION_ROW_FORMAT = 'mangaassist-ablation-row';

/**
 * The file name of row `index` in a results folder: `row-0003.json`.
 *
 * @example
 * ```ts
 * ablationRowFileName(3); // 'row-0003.json'
 * ```
 */
export function ablationRowFileName(index: number): string {
  return `row-${String(index).padStart(4, '0')}.json`;
}

const ROW_FILE = /^row-(\d+)\.json$/;

const scoresSchema = z
  .object({
    labels: z.array(z.string()).min(1),
    texts: z.array(z.string()),
    probabilities: z.array(z.array(z.number())),
    targets: z.array(z.array(z.number())),
  })
  .strict()
  .superRefine((scores, ctx) => {
    for (const key of ['probabilities', 'targets'] as const) {
      if (scores[key].length !== scores.texts.length) ctx.addIssue({ code: 'custom', path: [key], message: `${scores[key].length} rows for ${scores.texts.length} texts` });
      const bad = scores[key].findIndex((row) => row.length !== scores.labels.length);
      if (bad >= 0) ctx.addIssue({ code: 'custom', path: [key, bad], message: `${scores[key][bad]!.length} columns for ${scores.labels.length} labels` });
    }
  });

/** What a row file holds: one finished run of the ablation, with everything the report needs of it. */
const rowFileSchema = z
  .object({
    format: z.literal(ABLATION_ROW_FORMAT),
    version: z.literal(1),
    ablation: z.string(),
    index: z.number().int().min(0),
    run: z.string(),
    backend: z.string(),
    dir: z.string(),
    modelDir: z.string(),
    latencyMs: z.number(),
    reused: z.boolean(),
    labels: z.array(z.string()).min(1),
    data: z.object({ train: z.string(), validation: z.string(), trainExamples: z.number().int().min(0) }).strict(),
    summary: z.object({ trainSeconds: z.number(), evalLabels: z.array(z.string()) }).passthrough(),
    scores: scoresSchema,
    handwritten: z.array(z.object({ slice: z.enum(Object.keys(HANDWRITTEN_SLICE_FILES) as [HandwrittenSliceId, ...HandwrittenSliceId[]]), scores: scoresSchema }).strict()),
  })
  .strict();

type RowFile = z.infer<typeof rowFileSchema>;

/**
 * Writes run `index` of the ablation as one row file in `dir` (created if needed), atomically: a temporary file
 * beside it renamed into place, so a collector never reads half a row. Probabilities are kept as JSON numbers,
 * which hold float32 values exactly, so the collected report equals the in-process one.
 *
 * @example
 * ```ts
 * const path = writeAblationRowFile('/mnt/ablation/results', config, 2, await runAblationRow(config, 2, { log }), 'cpu');
 * ```
 */
export function writeAblationRowFile(dir: string, config: AblationConfig, index: number, run: AblationRun, backend: string): string {
  mkdirSync(dir, { recursive: true });
  const scores = (s: ValidationScores) => ({
    labels: [...s.labels],
    texts: [...s.texts],
    probabilities: s.probabilities.map((row) => Array.from(row)),
    targets: s.targets.map((row) => Array.from(row)),
  });
  const file: RowFile = {
    format: ABLATION_ROW_FORMAT,
    version: 1,
    ablation: config.name,
    index,
    run: run.id,
    backend,
    dir: run.dir,
    modelDir: run.modelDir,
    latencyMs: run.latencyMs,
    reused: run.reused,
    labels: [...run.labels],
    data: { ...run.data },
    summary: run.summary as unknown as RowFile['summary'],
    scores: scores(run.scores),
    handwritten: run.handwritten.map((h) => ({ slice: h.slice, scores: scores(h.scores) })),
  };
  const path = join(dir, ablationRowFileName(index));
  atomicWriteFile(path, `${JSON.stringify(file)}\n`);
  return path;
}

/** The runs found in a results folder, and the planned runs that have no row file there. */
export interface AblationRowFiles {
  readonly runs: ReadonlyMap<string, AblationRun>;
  /** The backend each row was trained and scored with (distinct names, in row order). */
  readonly backends: readonly string[];
  readonly missing: readonly MissingRun[];
}

/**
 * Reads every row file (`row-NNNN.json`) in `dir` against the config's plan. Temporary files of a row still being
 * written are ignored; a planned run without a file is reported in `missing`.
 *
 * @throws MangaAssistError `NOT_FOUND` when `dir` does not exist; `DATA_INVALID` naming the file when a row file is
 *   not valid JSON, lacks a field, or belongs to another ablation, index or run
 *
 * @example
 * ```ts
 * const { runs, missing } = readAblationRowFiles('/mnt/ablation/results', config);
 * ```
 */
export function readAblationRowFiles(dir: string, config: AblationConfig): AblationRowFiles {
  if (!existsSync(dir)) throw new MangaAssistError('NOT_FOUND', `--collect ${dir}: no such folder (it should hold the row files row-NNNN.json)`, { file: dir });
  const plan = ablationPlan(config);
  const found = new Map<number, RowFile>();
  for (const name of readdirSync(dir).sort()) {
    const match = ROW_FILE.exec(name);
    if (!match) continue;
    const file = join(dir, name);
    const row = parseRowFile(file);
    const entry = plan[Number(match[1])];
    const problem =
      row.ablation !== config.name
        ? `it belongs to ablation ${row.ablation}, not ${config.name}`
        : row.index !== Number(match[1])
          ? `it holds row ${row.index}, not ${Number(match[1])}`
          : !entry
            ? `${config.source} plans ${plan.length} runs (rows 0 to ${plan.length - 1})`
            : row.run !== entry.run
              ? `it holds run ${row.run}, but row ${entry.index} of ${config.source} is run ${entry.run} (was the config changed?)`
              : undefined;
    if (problem) throw new MangaAssistError('DATA_INVALID', `ablation row file ${file} does not fit: ${problem}`, { file });
    found.set(row.index, row);
  }
  const runs = new Map<string, AblationRun>();
  const backends: string[] = [];
  for (const entry of plan) {
    const row = found.get(entry.index);
    if (!row) continue;
    runs.set(row.run, runOf(row));
    if (!backends.includes(row.backend)) backends.push(row.backend);
  }
  const missing = plan.filter((e) => !found.has(e.index)).map(({ index, run, rows }) => ({ index, run, rows }));
  return { runs, backends, missing };
}

/**
 * Builds the ablation's outcome from the row files in `dir` — the same scoring, baseline and kept model as the
 * in-process runner, which ends in the same function — and says which planned rows had no file (their table rows
 * are left out). Trains nothing: no TensorFlow.js backend is needed.
 *
 * @example
 * ```ts
 * const { outcome, backends } = await collectAblation(config, '/mnt/ablation/results', { log: console.error });
 * if (outcome.missing.length > 0) console.error(`missing: ${outcome.missing.map((m) => m.index).join(', ')}`);
 * ```
 */
export async function collectAblation(
  config: AblationConfig,
  dir: string,
  options: { readonly log: (line: string) => void },
): Promise<{ readonly outcome: AblationOutcome; readonly backends: readonly string[] }> {
  const started = performance.now();
  const { runs, backends, missing } = readAblationRowFiles(dir, config);
  options.log(`collected ${runs.size} of ${runs.size + missing.length} row files from ${dir}`);
  for (const m of missing) options.log(`missing row ${m.index}: run ${m.run} (table rows ${m.rows.join(', ')}) has no ${ablationRowFileName(m.index)}`);
  if (runs.size === 0) throw new MangaAssistError('NOT_FOUND', `--collect ${dir}: no row files (row-NNNN.json) of ${config.name}, so there is nothing to report`, { file: dir });
  return { outcome: await assembleAblation(config, runs, missing, { log: options.log, started }), backends };
}

function parseRowFile(file: string): RowFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MangaAssistError('DATA_INVALID', `ablation row file ${file} is not valid JSON (${(error as Error).message}); run its row again`, { file });
  }
  const parsed = rowFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new MangaAssistError('DATA_INVALID', `ablation row file ${file} is not a valid row (${problems.slice(0, 5).join('; ')}); run its row again`, { file });
  }
  return parsed.data;
}

function runOf(row: RowFile): AblationRun {
  const scores = (s: RowFile['scores']): ValidationScores => ({
    labels: s.labels,
    texts: s.texts,
    probabilities: s.probabilities.map((r) => Float32Array.from(r)),
    targets: s.targets.map((r) => Float32Array.from(r)),
  });
  return {
    id: row.run,
    dir: row.dir,
    summary: row.summary as unknown as TrainSummary,
    modelDir: row.modelDir,
    latencyMs: row.latencyMs,
    scores: scores(row.scores),
    handwritten: row.handwritten.map((h) => ({ slice: h.slice, scores: scores(h.scores) })),
    data: row.data,
    labels: row.labels,
    reused: row.reused,
  };
}
