import { labelNameSchema, MangaAssistError } from '@mangaassist/common';
import type { ChangeInfo, LabelThreshold, ThresholdAuditEntry, ThresholdMap } from './threshold-store';

/** What a store factory gets from its host. */
export interface ThresholdStoreDeps {
  /** Clock for `updatedAt` and audit times (tests pin it). Defaults to the system clock. */
  readonly now?: () => Date;
}

/** One label's stored layers, as every adapter reads them back. */
export interface StoredLayers {
  readonly label: string;
  readonly recommended: number | null;
  readonly override: number | null;
  readonly overrideAuthor: string | null;
  readonly overrideReason: string | null;
  readonly updatedAt: string;
}

/** Which layer a change writes. */
export type ThresholdLayer = ThresholdAuditEntry['layer'];

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._@:/+-]{0,199}$/;

/** Throws `TypeError` unless `modelId` is 1–200 characters of letters, digits and `._@:/+-`. */
export function checkModelId(modelId: unknown): asserts modelId is string {
  if (typeof modelId !== 'string' || !MODEL_ID.test(modelId)) {
    throw new TypeError(
      `modelId must be 1-200 characters of letters, digits and ._@:/+- starting with a letter or digit, got ${JSON.stringify(modelId)}`,
    );
  }
}

/** Throws `TypeError` unless `label` is a lower snake case label name. */
export function checkLabel(label: unknown): asserts label is string {
  if (!labelNameSchema.safeParse(label).success) {
    throw new TypeError(`label must be lower snake case (e.g. churn_risk), got ${JSON.stringify(label)}`);
  }
}

/** Throws `RangeError` unless `value` is a threshold strictly between 0 and 1. */
export function checkThreshold(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new RangeError(`${name} must be a number strictly between 0 and 1, got ${JSON.stringify(value)}`);
  }
}

/** Throws `TypeError` unless `change` has a non-empty author and reason. */
export function checkChange(change: ChangeInfo | undefined): void {
  for (const field of ['author', 'reason'] as const) {
    const value = change?.[field];
    if (typeof value !== 'string' || value.trim().length === 0) {
      throw new TypeError(`change.${field} must be a non-empty string (it is kept in the audit trail)`);
    }
  }
}

/** Validates a `setRecommended` call; returns its entries sorted by label (a stable lock order for SQL stores). */
export function checkRecommended(modelId: string, thresholds: ThresholdMap, change: ChangeInfo): [string, number][] {
  checkModelId(modelId);
  checkChange(change);
  if (typeof thresholds !== 'object' || thresholds === null) throw new TypeError('thresholds must be an object');
  const entries = Object.entries(thresholds);
  for (const [label, value] of entries) {
    checkLabel(label);
    checkThreshold(value, `thresholds.${label}`);
  }
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Validates a `setOverride` call. */
export function checkOverride(modelId: string, label: string, value: number | null, change: ChangeInfo): void {
  checkModelId(modelId);
  checkLabel(label);
  if (value !== null) checkThreshold(value, 'value');
  checkChange(change);
}

/** Validates `audit`'s limit; `undefined` means every row. */
export function checkAuditLimit(limit: number | undefined): number | undefined {
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  return limit;
}

/** Adds `effective` to stored layers; the effective value is `override ?? recommended`. */
export function toLabelThreshold(row: StoredLayers): LabelThreshold {
  return { ...row, effective: row.override ?? row.recommended };
}

/**
 * The effective thresholds of stored rows, without labels that have neither layer. A stored value is not trusted:
 * an effective value that is not a number strictly between 0 and 1 (NaN from a Redis hash edited by hand, a row
 * written by another client) would silently turn a label on for every message or off for all, so the read fails
 * with `DATA_INVALID` naming the model, label, layer and value; a reader with a cache keeps its last-known-good
 * thresholds and reports degraded. An invalid layer under a valid override is harmless and is not refused.
 *
 * @throws MangaAssistError `DATA_INVALID` for an effective value that is not a threshold
 */
export function effectiveOf(rows: readonly StoredLayers[], modelId = 'model'): ThresholdMap {
  const map: Record<string, number> = {};
  for (const row of rows) {
    const layer = row.override !== null ? 'override' : 'recommended';
    const effective = row.override ?? row.recommended;
    if (effective === null) continue;
    if (typeof effective !== 'number' || !(effective > 0 && effective < 1)) {
      throw new MangaAssistError(
        'DATA_INVALID',
        `the threshold store holds ${String(effective)} as the ${layer} threshold of ${modelId}/${row.label}, not a number strictly between 0 and 1; ` +
          `set an override or re-run calibrate to replace it`,
        { modelId, label: row.label, layer },
      );
    }
    map[row.label] = effective;
  }
  return map;
}

/**
 * Wraps a backend failure as `STORE_UNAVAILABLE` naming the store and the operation; errors that are already
 * `MangaAssistError`s pass through unchanged. (Arguments are validated before any backend call, so every error
 * seen here comes from the backend.)
 */
export function storeFailure(store: string, operation: string, error: unknown): Error {
  if (error instanceof MangaAssistError) return error;
  const message = error instanceof Error ? error.message || error.name : String(error);
  return new MangaAssistError('STORE_UNAVAILABLE', `${store} threshold store: ${operation} failed: ${message}`, {
    store,
    operation,
  }, { cause: error });
}

/** Sorts rows by label so every adapter lists in the same order. */
export function byLabel<T extends { label: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}
