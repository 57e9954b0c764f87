import { MangaAssistError } from '@mangaassist/common';
import { readFileSync } from 'node:fs';

/** Validation predictions read from a file: the columns {@link calibrate} needs. */
export interface PredictionRows {
  readonly labels: readonly string[];
  readonly probabilities: number[][];
  readonly targets: number[][];
}

/**
 * Reads validation predictions from JSONL, one example per line:
 * `{"probabilities": {"frustration": 0.91, "neutral": 0.05, …}, "labels": ["frustration"]}` where `labels` are the
 * true labels. The label order is the first line's key order; every line must give a probability in [0, 1] for
 * exactly those labels, and true labels must be among them. Errors name the file and line.
 *
 * @example
 * ```ts
 * const { labels, probabilities, targets } = readPredictionsJsonl('runs/m/val-predictions.jsonl');
 * ```
 */
export function readPredictionsJsonl(path: string): PredictionRows {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MangaAssistError('NOT_FOUND', `${path}: cannot read predictions (${(error as Error).message})`, { path });
  }
  let labels: string[] | undefined;
  const probabilities: number[][] = [];
  const targets: number[][] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim().length === 0) return;
    const where = `${path} line ${index + 1}`;
    const fail = (message: string) => new MangaAssistError('DATA_INVALID', `${where}: ${message}`, { path, line: index + 1 });
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw fail(`not valid JSON (${(error as Error).message})`);
    }
    const { probabilities: probs, labels: truth } = (row ?? {}) as { probabilities?: unknown; labels?: unknown };
    if (typeof probs !== 'object' || probs === null || Array.isArray(probs)) {
      throw fail('"probabilities" must be an object of label → probability');
    }
    if (!Array.isArray(truth) || truth.some((l) => typeof l !== 'string')) {
      throw fail('"labels" must be an array of label names (the true labels)');
    }
    const record = probs as Record<string, unknown>;
    labels ??= Object.keys(record);
    if (labels.length === 0) throw fail('"probabilities" names no label');
    const keys = Object.keys(record);
    const missing = labels.filter((l) => !(l in record));
    const extra = keys.filter((k) => !labels!.includes(k));
    if (missing.length > 0 || extra.length > 0) {
      throw fail(
        `"probabilities" must give exactly the labels of line 1 (${labels.join(', ')})` +
          (missing.length > 0 ? `; missing ${missing.join(', ')}` : '') +
          (extra.length > 0 ? `; unexpected ${extra.join(', ')}` : ''),
      );
    }
    const unknown = (truth as string[]).filter((l) => !labels!.includes(l));
    if (unknown.length > 0) throw fail(`"labels" has ${unknown.join(', ')}; allowed: ${labels.join(', ')}`);
    probabilities.push(
      labels.map((label) => {
        const p = record[label];
        if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
          throw fail(`probabilities.${label} must be a number in [0, 1], got ${JSON.stringify(p)}`);
        }
        return p;
      }),
    );
    targets.push(labels.map((label) => ((truth as string[]).includes(label) ? 1 : 0)));
  });
  if (!labels) throw new MangaAssistError('DATA_INVALID', `${path}: no prediction rows`, { path });
  return { labels, probabilities, targets };
}
