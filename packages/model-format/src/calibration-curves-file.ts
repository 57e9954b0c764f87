import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeZodIssues, formatProblems, MangaAssistError } from '@mangaassist/common';
import { z } from 'zod';
import { writeJsonFile } from './json-file';

/** File name of the calibration curves inside a model directory (and an exported one). */
export const CALIBRATION_CURVES_FILE = 'calibration-curves.json';

const unit = z.number().min(0).max(1);

/** One threshold of a label's curve, measured on the calibration split. */
const curvePointSchema = z
  .object({
    threshold: z.number().gt(0).lt(1),
    precision: unit,
    recall: unit,
    /** Share of the split's examples predicted positive: escalation volume follows it. */
    positiveRate: unit,
  })
  .strict();

/**
 * `calibration-curves.json`: per label, precision, recall and predicted-positive rate at each threshold on the split
 * `calibrate` chose the thresholds on — what an operator needs to see what a threshold change will do before making
 * it. Thresholds of a label's points are strictly increasing.
 *
 * @example
 * ```ts
 * calibrationCurvesFileSchema.parse(JSON.parse(readFileSync('runs/m/calibration-curves.json', 'utf8')));
 * ```
 */
export const calibrationCurvesFileSchema = z
  .object({
    version: z.literal(1),
    createdAt: z.string(),
    /** The calibration split: where it came from and how many examples it held. */
    split: z.object({ source: z.string(), examples: z.number().int().nonnegative() }).strict(),
    labels: z.record(
      z.string(),
      z
        .object({ beta: z.number().positive(), points: z.array(curvePointSchema).min(1) })
        .strict()
        .refine((curve) => curve.points.every((p, i) => i === 0 || p.threshold > curve.points[i - 1]!.threshold), {
          message: 'points must be ordered by strictly increasing threshold',
          path: ['points'],
        }),
    ),
  })
  .strict();

/** Contents of `calibration-curves.json`. */
export type CalibrationCurvesFile = z.infer<typeof calibrationCurvesFileSchema>;

/** One point of a label's calibration curve. */
export type CalibrationCurvePoint = z.infer<typeof curvePointSchema>;

/**
 * Validates parsed `calibration-curves.json` contents; with `labels`, every label it names must be one of them.
 *
 * @throws MangaAssistError `DATA_INVALID` naming `path` and each bad field
 *
 * @example
 * ```ts
 * const curves = parseCalibrationCurvesFile(json, 'model/calibration-curves.json', model.labels);
 * ```
 */
export function parseCalibrationCurvesFile(json: unknown, path: string, labels?: readonly string[]): CalibrationCurvesFile {
  const result = calibrationCurvesFileSchema.safeParse(json);
  if (!result.success) {
    const problems = describeZodIssues(result.error.issues);
    throw new MangaAssistError('DATA_INVALID', `${path}: invalid calibration curves file:\n${formatProblems(problems)}`, {
      path,
      field: problems[0]?.path,
      problems,
    });
  }
  const unknown = labels ? Object.keys(result.data.labels).find((label) => !labels.includes(label)) : undefined;
  if (unknown !== undefined) {
    throw new MangaAssistError('DATA_INVALID', `${path}: "labels.${unknown}": unknown label; the model's labels are ${labels!.join(', ')}`, {
      path,
      field: `labels.${unknown}`,
    });
  }
  return result.data;
}

/**
 * Writes `<modelDir>/calibration-curves.json` (validated first, written atomically) and returns its path.
 *
 * @example
 * ```ts
 * writeCalibrationCurvesFile('runs/m', { version: 1, createdAt, split: { source: 'val.jsonl', examples: 991 }, labels });
 * ```
 */
export function writeCalibrationCurvesFile(modelDir: string, contents: CalibrationCurvesFile): string {
  const path = join(modelDir, CALIBRATION_CURVES_FILE);
  writeJsonFile(path, parseCalibrationCurvesFile(contents, path));
  return path;
}

/**
 * The calibration curves of a model directory, validated against the model's `labels`, or `undefined` when the
 * directory has none (models calibrated before the file existed); a file that exists but is malformed still fails.
 *
 * @throws MangaAssistError `DATA_INVALID` naming the file and each bad field
 *
 * @example
 * ```ts
 * const curves = readOptionalCalibrationCurves('models/current', labels); // undefined: the console says "no curve"
 * ```
 */
export function readOptionalCalibrationCurves(modelDir: string, labels?: readonly string[]): CalibrationCurvesFile | undefined {
  const path = join(modelDir, CALIBRATION_CURVES_FILE);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MangaAssistError('DATA_INVALID', `${path}: not valid JSON (${(error as Error).message})`, { path });
  }
  return parseCalibrationCurvesFile(json, path, labels);
}
