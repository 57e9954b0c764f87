import type { Example } from '../types';
import { canonicalLabels } from '../label-schema';

/** A row as a format reader found it, before validation: fields are whatever the file held. */
export interface RawRow {
  /** 1-based line where the row starts. */
  readonly line: number;
  readonly id?: unknown;
  readonly text?: unknown;
  readonly labels?: unknown;
  /** Set when the row could not be read at all (bad JSON, wrong column count). */
  readonly error?: string;
}

/** What a row must satisfy besides its format. */
export interface RowRules {
  readonly labelSchema: readonly string[];
  readonly textField: string;
  readonly labelsField: string;
  readonly allowEmptyLabels: boolean;
}

/** The reason a row is invalid; the reader adds file and line. */
export class RowError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * Checks one raw row against the label schema and returns the example, or throws {@link RowError}.
 * Labels are canonicalised (schema order, no repeats); `neutral` cannot be combined with another label because it
 * means "none of the others".
 */
export function validateRow(row: RawRow, rules: RowRules): Example {
  if (row.error !== undefined) throw new RowError(row.error);
  if (typeof row.text !== 'string') {
    throw new RowError(`"${rules.textField}" must be a string, got ${describe(row.text)}`, rules.textField);
  }
  const text = row.text.trim();
  if (text.length === 0) throw new RowError(`"${rules.textField}" is empty`, rules.textField);
  if (!Array.isArray(row.labels) || row.labels.some((label) => typeof label !== 'string')) {
    throw new RowError(`"${rules.labelsField}" must be a list of label names, got ${describe(row.labels)}`, rules.labelsField);
  }
  const labels = canonicalLabels(row.labels as string[], rules.labelSchema);
  const unknown = labels.filter((label) => !rules.labelSchema.includes(label));
  if (unknown.length > 0) {
    const names = unknown.map((label) => JSON.stringify(label)).join(', ');
    throw new RowError(
      `unknown label${unknown.length > 1 ? 's' : ''} ${names} in "${rules.labelsField}" (allowed: ${rules.labelSchema.join(', ')})`,
      rules.labelsField,
    );
  }
  if (labels.length === 0 && !rules.allowEmptyLabels) {
    const hint = rules.labelSchema.includes('neutral') ? '; use "neutral" for a message with none of the others' : '';
    throw new RowError(`"${rules.labelsField}" is empty${hint}`, rules.labelsField);
  }
  if (labels.length > 1 && labels.includes('neutral')) {
    throw new RowError(`"neutral" cannot be combined with other labels (got ${labels.join(', ')})`, rules.labelsField);
  }
  const id = row.id === undefined || row.id === null || row.id === '' ? undefined : String(row.id);
  return id === undefined ? { text, labels } : { id, text, labels };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list with non-string items';
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value;
}
