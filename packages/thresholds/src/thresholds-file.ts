import { describeZodIssues, formatProblems, MangaAssistError } from '@mangaassist/common';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ThresholdMap } from './threshold-store';

/** File name of the recommended thresholds inside a model directory. */
export const THRESHOLDS_FILE = 'thresholds.json';

const thresholdValue = z.number().gt(0).lt(1);

const thresholdsFileSchema = z.object({
  version: z.literal(1),
  strategy: z.string(),
  createdAt: z.string(),
  thresholds: z.record(z.string(), thresholdValue),
  /** Per-label metrics at calibration time, for humans and dashboards. */
  details: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

/** Contents of `thresholds.json`. */
export type ThresholdsFile = z.infer<typeof thresholdsFileSchema>;

/**
 * Writes `thresholds.json` into `modelDir` (through a temporary file and a rename, so that a reader never sees half
 * a file). Returns the file's path.
 *
 * @example
 * ```ts
 * writeThresholdsFile('runs/manga-v1', { version: 1, strategy: 'fbeta-sweep', createdAt, thresholds, details: {} });
 * ```
 */
export function writeThresholdsFile(modelDir: string, contents: ThresholdsFile): string {
  const parsed = thresholdsFileSchema.parse(contents);
  const path = join(modelDir, THRESHOLDS_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(parsed, null, 2)}\n`);
  renameSync(temporary, path);
  return path;
}

/**
 * Reads and validates `<modelDir>/thresholds.json`. Throws `NOT_FOUND` when the file is absent and `DATA_INVALID`
 * naming each bad field when it is malformed.
 *
 * @example
 * ```ts
 * const file = readThresholdsFile('runs/manga-v1');
 * console.log(file.strategy, file.thresholds);
 * ```
 */
export function readThresholdsFile(modelDir: string): ThresholdsFile {
  const path = join(modelDir, THRESHOLDS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MangaAssistError('NOT_FOUND', `${path}: cannot read thresholds (${(error as Error).message})`, { path }, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MangaAssistError('DATA_INVALID', `${path}: not valid JSON (${(error as Error).message})`, { path });
  }
  const result = thresholdsFileSchema.safeParse(json);
  if (!result.success) {
    const problems = describeZodIssues(result.error.issues);
    throw new MangaAssistError('DATA_INVALID', `${path}: invalid thresholds file:\n${formatProblems(problems)}`, {
      path,
      problems,
    });
  }
  return result.data;
}

/**
 * The recommended thresholds of a model directory (from `thresholds.json`): what `evaluate` and the server use
 * when no store is configured.
 *
 * @example
 * ```ts
 * const thresholds = resolveThresholds('runs/manga-v1'); // { frustration: 0.3, … }
 * ```
 */
export function resolveThresholds(modelDir: string): ThresholdMap {
  return readThresholdsFile(modelDir).thresholds;
}
