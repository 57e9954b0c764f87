import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_LABELS, MangaAssistError } from '@mangaassist/common';
import type { DataProblem, Dataset, Example } from '../types';
import { canonicalLabels } from '../label-schema';
import { parseDelimited } from './delimited';
import { GOEMOTIONS_COVERED_LABELS, GOEMOTIONS_EMOTIONS, mapGoEmotions } from './goemotions-mapping';
import { failOrSkip } from './fail-or-skip';

/**
 * What {@link readGoEmotions} returns: the mapped dataset, rows skipped as invalid (lenient mode), and rows dropped
 * because none of their emotions maps to a MangaAssist label.
 *
 * @example
 * ```ts
 * const { dataset, dropped } = readGoEmotions('../shared/data/goemotions/train.tsv');
 * ```
 */
export interface GoEmotionsResult {
  readonly dataset: Dataset;
  readonly skipped: number;
  readonly problems: readonly DataProblem[];
  readonly dropped: number;
}

/**
 * Reads a GoEmotions split (`train.tsv`/`dev.tsv`: header `text	label	id`, `label` a comma-separated list of class
 * indices) and maps it to the MangaAssist labels: frustration, satisfaction, confusion and neutral. The label
 * schema stays the six MangaAssist labels so that a model head fits both; `coveredLabels` says which four this
 * source can annotate. When a `labels.txt` sits beside the file it must list the 28 classes in the expected order.
 *
 * @example
 * ```ts
 * const path = sharedAsset('data/goemotions/dev.tsv');
 * if (path) console.log(readGoEmotions(path).dataset.examples.length);
 * ```
 */
export function readGoEmotions(path: string, options: { lenient?: boolean } = {}): GoEmotionsResult {
  const lenient = options.lenient ?? false;
  checkLabelsFile(path);
  const { header, records, broken } = parseDelimited(readText(path), '\t', path, lenient);
  for (const column of ['text', 'label']) {
    if (!header.includes(column)) {
      throw new MangaAssistError('DATA_INVALID', `${path}: missing column "${column}" (found: ${header.join(', ') || 'none'}); GoEmotions files have the header text, label, id`, {
        file: path,
        field: column,
      });
    }
  }
  const problems: DataProblem[] = [];
  for (const row of broken) failOrSkip(path, row.line, row.error ?? 'unreadable row', lenient, problems);
  const examples: Example[] = [];
  let dropped = 0;
  for (const { line, cells } of records) {
    const text = (cells['text'] ?? '').trim();
    if (text.length === 0) {
      failOrSkip(path, line, '"text" is empty', lenient, problems, 'text');
      continue;
    }
    const cell = (cells['label'] ?? '').trim();
    const indices = cell.length === 0 ? [] : cell.split(',').map((part) => Number(part.trim()));
    let labels: string[] | undefined;
    try {
      if (indices.length === 0) throw new RangeError('"label" is empty');
      labels = mapGoEmotions(indices);
    } catch (error) {
      failOrSkip(path, line, `${(error as Error).message} in "label" (${JSON.stringify(cell)})`, lenient, problems, 'label');
      continue;
    }
    if (labels === undefined) {
      dropped++;
      continue;
    }
    const id = cells['id']?.trim();
    examples.push({ ...(id ? { id } : {}), text, labels: canonicalLabels(labels, DEFAULT_LABELS) });
  }
  const dataset: Dataset = {
    examples,
    labelSchema: DEFAULT_LABELS,
    coveredLabels: GOEMOTIONS_COVERED_LABELS,
    source: { kind: 'file', path, format: 'goemotions' },
  };
  return { dataset, skipped: problems.length, problems, dropped };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new MangaAssistError('NOT_FOUND', `cannot read GoEmotions file ${path}: ${(error as Error).message}`, { file: path }, { cause: error });
  }
}

// A labels.txt in another order would silently map every row to the wrong emotions.
function checkLabelsFile(path: string): void {
  const labelsPath = join(dirname(path), 'labels.txt');
  if (!existsSync(labelsPath)) return;
  const names = readFileSync(labelsPath, 'utf8').split(/\r?\n/).map((name) => name.trim()).filter(Boolean);
  const expected: readonly string[] = GOEMOTIONS_EMOTIONS;
  const mismatch = names.findIndex((name, index) => name !== expected[index]);
  if (names.length !== expected.length || mismatch !== -1) {
    throw new MangaAssistError(
      'DATA_INVALID',
      `${labelsPath}: expected the ${expected.length} GoEmotions classes in order (admiration … neutral)` +
        (mismatch !== -1 ? `, line ${mismatch + 1} is ${JSON.stringify(names[mismatch])} instead of ${JSON.stringify(expected[mismatch])}` : `, found ${names.length}`),
      { file: labelsPath },
    );
  }
}
