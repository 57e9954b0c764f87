import { readFileSync } from 'node:fs';
import { MangaAssistError } from '@mangaassist/common';
import type { DataProblem, Dataset, DatasetFormat, Example } from './types';
import { resolveLabelSchema } from './label-schema';
import { detectFormat } from './formats/detect-format';
import { jsonlRows } from './formats/jsonl';
import { parseDelimited } from './formats/delimited';
import { parseLabelsCell } from './formats/labels-cell';
import { RowError, validateRow, type RawRow, type RowRules } from './formats/raw-row';
import { failOrSkip } from './formats/fail-or-skip';
import { readGoEmotions } from './formats/goemotions';

/**
 * How to read a dataset file. Defaults: format from the extension, columns `text` and `labels`, the six
 * MangaAssist labels, strict (the first bad row throws).
 *
 * @example
 * ```ts
 * const options: ReadDatasetOptions = { format: 'csv', textColumn: 'message', labelsColumn: 'tags', lenient: true };
 * ```
 */
export interface ReadDatasetOptions {
  readonly format?: DatasetFormat;
  /** Field (JSONL) or header (CSV/TSV) holding the message. Default `text`. */
  readonly textColumn?: string;
  /** Field or header holding the labels: a JSON array, or in CSV/TSV names separated by `,;|` or spaces. */
  readonly labelsColumn?: string;
  /** The label schema rows are validated against. Default `DEFAULT_LABELS`. */
  readonly labels?: readonly string[];
  /** Skip and count bad rows instead of throwing on the first one. */
  readonly lenient?: boolean;
  /** Accept rows with no label at all (off by default: a message with none of the others is `neutral`). */
  readonly allowEmptyLabels?: boolean;
  /** Labels the file's annotators could assign; default: the whole schema. */
  readonly coveredLabels?: readonly string[];
}

/**
 * What {@link readDataset} returns: the dataset, how many rows lenient mode skipped, and why (line and reason).
 *
 * @example
 * ```ts
 * const { dataset, skipped, problems } = readDataset('train.jsonl', { lenient: true });
 * ```
 */
export interface ReadDatasetResult {
  readonly dataset: Dataset;
  readonly skipped: number;
  readonly problems: readonly DataProblem[];
}

/**
 * Reads a labelled dataset file (JSONL, CSV, TSV or GoEmotions) and validates every row against the label schema:
 * an unknown label, an empty text or an unreadable line is a `DATA_INVALID` error naming the file and line, or in
 * lenient mode a skipped row counted in `skipped`.
 *
 * @example
 * ```ts
 * const { dataset } = readDataset('data/train.jsonl');
 * // a line {"text": "where is my order", "labels": ["angry"]} fails with
 * // 'data/train.jsonl line 3: unknown label "angry" in "labels" (allowed: frustration, satisfaction, …)'
 * ```
 */
export function readDataset(path: string, options: ReadDatasetOptions = {}): ReadDatasetResult {
  const format = detectFormat(path, options.format);
  const lenient = options.lenient ?? false;
  if (format === 'goemotions') {
    const { dataset, skipped, problems } = readGoEmotions(path, { lenient });
    return { dataset, skipped, problems };
  }
  const labelSchema = resolveLabelSchema(options.labels);
  const rules: RowRules = {
    labelSchema,
    textField: options.textColumn ?? 'text',
    labelsField: options.labelsColumn ?? 'labels',
    allowEmptyLabels: options.allowEmptyLabels ?? false,
  };
  const content = readText(path);
  const rows = format === 'jsonl' ? jsonlRows(content, rules.textField, rules.labelsField) : delimitedRows(content, format, path, rules, lenient);
  const problems: DataProblem[] = [];
  const examples: Example[] = [];
  for (const row of rows) {
    try {
      examples.push(validateRow(row, rules));
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      failOrSkip(path, row.line, error.message, lenient, problems, error.field);
    }
  }
  const coveredLabels = options.coveredLabels ?? labelSchema;
  const outside = coveredLabels.filter((label) => !labelSchema.includes(label));
  if (outside.length > 0) {
    throw new MangaAssistError('INVALID_ARGUMENT', `coveredLabels ${outside.join(', ')} are not in the label schema (${labelSchema.join(', ')})`, {
      field: 'coveredLabels',
    });
  }
  return {
    dataset: { examples, labelSchema, coveredLabels, source: { kind: 'file', path, format } },
    skipped: problems.length,
    problems,
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new MangaAssistError('NOT_FOUND', `cannot read dataset file ${path}: ${(error as Error).message}`, { file: path }, { cause: error });
  }
}

function delimitedRows(content: string, format: 'csv' | 'tsv', path: string, rules: RowRules, lenient: boolean): RawRow[] {
  const { header, records, broken } = parseDelimited(content, format === 'csv' ? ',' : '\t', path, lenient);
  for (const column of [rules.textField, rules.labelsField]) {
    if (!header.includes(column)) {
      throw new MangaAssistError('DATA_INVALID', `${path}: missing column "${column}" (found: ${header.join(', ') || 'none'}); set textColumn/labelsColumn`, {
        file: path,
        field: column,
        allowed: header,
      });
    }
  }
  const rows: RawRow[] = records.map(({ line, cells }) => ({
    line,
    id: cells['id'],
    text: cells[rules.textField],
    labels: parseLabelsCell(cells[rules.labelsField] ?? ''),
  }));
  return [...broken, ...rows].sort((a, b) => a.line - b.line);
}
