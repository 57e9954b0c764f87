import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeZodIssues, formatProblems, MangaAssistError } from '@mangaassist/common';
import { z } from 'zod';
import { writeJsonFile } from './json-file';

/** File name of the recommended thresholds inside a model directory (and an exported one). */
export const THRESHOLDS_FILE = 'thresholds.json';

/**
 * The threshold of every label that has no calibrated one: the point where a sigmoid says "more likely than not".
 *
 * @example
 * ```ts
 * const t = thresholds[label] ?? DEFAULT_THRESHOLD;
 * ```
 */
export const DEFAULT_THRESHOLD = 0.5;

/**
 * `thresholds.json` as `calibrate` writes it and the export ships it: `{ version: 1, strategy, createdAt,
 * thresholds: { label: t }, details }`, every threshold strictly inside (0, 1) (0 or 1 would fire always or never).
 *
 * @example
 * ```ts
 * thresholdsFileSchema.parse(JSON.parse(readFileSync('runs/m/thresholds.json', 'utf8')));
 * ```
 */
export const thresholdsFileSchema = z.object({
  version: z.literal(1),
  strategy: z.string(),
  createdAt: z.string(),
  thresholds: z.record(z.string(), z.number().gt(0).lt(1)),
  /** Per-label metrics at calibration time, for humans and dashboards. */
  details: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

/** Contents of `thresholds.json`. */
export type ThresholdsFile = z.infer<typeof thresholdsFileSchema>;

/** Where a model's thresholds came from: a calibrated file, or {@link DEFAULT_THRESHOLD} for every label. */
export type ThresholdsSource = { readonly kind: 'file'; readonly file: string } | { readonly kind: 'default'; readonly value: number };

/**
 * Validates parsed `thresholds.json` contents; with `labels`, every label it names must be one of them (a file
 * calibrated for another model must not be shipped with this one).
 *
 * @throws MangaAssistError `DATA_INVALID` naming `path` and each bad field
 *
 * @example
 * ```ts
 * const file = parseThresholdsFile(json, 'runs/m/thresholds.json', ['frustration', 'neutral']);
 * ```
 */
export function parseThresholdsFile(json: unknown, path: string, labels?: readonly string[]): ThresholdsFile {
  const result = thresholdsFileSchema.safeParse(json);
  if (!result.success) {
    const problems = describeZodIssues(result.error.issues);
    throw new MangaAssistError('DATA_INVALID', `${path}: invalid thresholds file:\n${formatProblems(problems)}`, {
      path,
      field: problems[0]?.path,
      problems,
    });
  }
  const unknown = labels ? Object.keys(result.data.thresholds).find((label) => !labels.includes(label)) : undefined;
  if (unknown !== undefined) {
    throw new MangaAssistError('DATA_INVALID', `${path}: "thresholds.${unknown}": unknown label; the model's labels are ${labels!.join(', ')}`, {
      path,
      field: `thresholds.${unknown}`,
    });
  }
  return result.data;
}

/**
 * Reads and validates a thresholds file at `path` (see {@link parseThresholdsFile}).
 *
 * @throws MangaAssistError `NOT_FOUND` when the file cannot be read, `DATA_INVALID` naming each bad field
 *
 * @example
 * ```ts
 * const file = readThresholdsFileAt('calibrated/thresholds.json', model.labels);
 * ```
 */
export function readThresholdsFileAt(path: string, labels?: readonly string[]): ThresholdsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MangaAssistError('NOT_FOUND', `${path}: cannot read thresholds (${(error as Error).message})`, { path }, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MangaAssistError('DATA_INVALID', `${path}: not valid JSON (${(error as Error).message})`, { path });
  }
  return parseThresholdsFile(json, path, labels);
}

/**
 * Reads and validates `<modelDir>/thresholds.json`.
 *
 * @throws MangaAssistError `NOT_FOUND` when the file is absent and `DATA_INVALID` naming each bad field
 *
 * @example
 * ```ts
 * const file = readThresholdsFile('runs/manga-v1');
 * console.log(file.strategy, file.thresholds);
 * ```
 */
export function readThresholdsFile(modelDir: string): ThresholdsFile {
  return readThresholdsFileAt(join(modelDir, THRESHOLDS_FILE));
}

/**
 * The `thresholds.json` shipped in a model directory, validated against the model's `labels`, or `undefined` when
 * the directory has none. Unlike {@link readThresholdsFile}, absence is not an error: a server falls back to its
 * configured default and says so; a file that exists but is malformed or names an unknown label still fails.
 *
 * @throws MangaAssistError `DATA_INVALID` naming the file and each bad field; `NOT_FOUND` when it exists but
 *   cannot be read
 *
 * @example
 * ```ts
 * const shipped = readShippedThresholds('runs/quickstart/onnx', ['frustration', 'churn_risk']);
 * shipped?.thresholds.frustration; // 0.35, or undefined without a file
 * ```
 */
export function readShippedThresholds(modelDir: string, labels: readonly string[]): ThresholdsFile | undefined {
  const path = join(modelDir, THRESHOLDS_FILE);
  return existsSync(path) ? readThresholdsFileAt(path, labels) : undefined;
}

/**
 * Writes `thresholds.json` into `modelDir` (validated first, then through a temporary file and a rename, so that a
 * reader never sees half a file). Returns the file's path.
 *
 * @example
 * ```ts
 * writeThresholdsFile('runs/manga-v1', { version: 1, strategy: 'fbeta-sweep', createdAt, thresholds, details: {} });
 * ```
 */
export function writeThresholdsFile(modelDir: string, contents: ThresholdsFile): string {
  const parsed = thresholdsFileSchema.parse(contents);
  const path = join(modelDir, THRESHOLDS_FILE);
  writeJsonFile(path, parsed);
  return path;
}

/**
 * The recommended thresholds of a model directory (from `thresholds.json`): what `evaluate` and the server use
 * when no store is configured.
 *
 * @throws MangaAssistError `NOT_FOUND` when the file is absent and `DATA_INVALID` naming each bad field
 *
 * @example
 * ```ts
 * const thresholds = resolveThresholds('runs/manga-v1'); // { frustration: 0.3, … }
 * ```
 */
export function resolveThresholds(modelDir: string): Record<string, number> {
  return readThresholdsFile(modelDir).thresholds;
}

/**
 * The thresholds to ship with a model of `labels`: the calibrated file at `path` (validated, labels checked) when
 * it exists, else {@link DEFAULT_THRESHOLD} for every label with strategy `default`. Labels a calibrated file
 * leaves out fall back to the server's default threshold.
 *
 * @throws MangaAssistError `DATA_INVALID` naming the file and field when the calibrated file is malformed or names
 *   an unknown label
 *
 * @example
 * ```ts
 * const { contents, source } = thresholdsToShip(['frustration', 'neutral'], 'runs/model/thresholds.json');
 * ```
 */
export function thresholdsToShip(
  labels: readonly string[],
  path: string | undefined,
  now: () => Date = () => new Date(),
): { contents: ThresholdsFile; source: ThresholdsSource } {
  if (path && existsSync(path)) return { contents: readThresholdsFileAt(path, labels), source: { kind: 'file', file: path } };
  return {
    contents: {
      version: 1,
      strategy: 'default',
      createdAt: now().toISOString(),
      thresholds: Object.fromEntries(labels.map((l) => [l, DEFAULT_THRESHOLD])),
      details: {},
    },
    source: { kind: 'default', value: DEFAULT_THRESHOLD },
  };
}
