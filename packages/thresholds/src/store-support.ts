import { labelNameSchema, MangaAssistError } from '@mangaassist/common';
import type { ChangeInfo, LabelThreshold, OverrideOptions, ThresholdAuditEntry, ThresholdMap } from './threshold-store';

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
  /** When the override reverts by itself (ISO time); null or absent for none or a permanent one. */
  readonly overrideExpiresAt?: string | null;
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

/**
 * Validates a `setOverride` call; returns the expiry as an ISO time, or null for a permanent override (and for a
 * clear, whatever `options` says).
 */
export function checkOverride(
  modelId: string,
  label: string,
  value: number | null,
  change: ChangeInfo,
  options: OverrideOptions = {},
  now: Date = new Date(),
): string | null {
  checkModelId(modelId);
  checkLabel(label);
  if (value !== null) checkThreshold(value, 'value');
  checkChange(change);
  const { expiresAt } = options;
  if (value === null || expiresAt === undefined) return null;
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
    throw new TypeError(`options.expiresAt must be a valid Date, got ${String(expiresAt)}`);
  }
  if (expiresAt.getTime() <= now.getTime()) {
    throw new RangeError(`options.expiresAt must be later than now (${now.toISOString()}), got ${expiresAt.toISOString()}`);
  }
  return expiresAt.toISOString();
}

/** Whether a stored override has passed its expiry at `now` (a permanent one never has). */
export function isExpired(row: Pick<StoredLayers, 'override' | 'overrideExpiresAt'>, now: Date): boolean {
  return row.override !== null && !!row.overrideExpiresAt && Date.parse(row.overrideExpiresAt) <= now.getTime();
}

/**
 * The layers as readers see them at `now`: an override past its expiry is gone (with its author, reason and
 * expiry) even before `expireOverrides` has cleared it, so the effective value never uses it.
 */
export function liveLayers(rows: readonly StoredLayers[], now: Date): StoredLayers[] {
  return rows.map((row) =>
    isExpired(row, now) ? { ...row, override: null, overrideAuthor: null, overrideReason: null, overrideExpiresAt: null } : row,
  );
}

/** The reason recorded with the automatic revert of an expired override. */
export function expiryReason(row: Pick<StoredLayers, 'overrideExpiresAt' | 'overrideReason' | 'overrideAuthor'>): string {
  const set = row.overrideAuthor ? ` set by ${row.overrideAuthor}` : '';
  const why = row.overrideReason ? `: ${row.overrideReason}` : '';
  return `temporary override expired at ${row.overrideExpiresAt ?? 'an unknown time'} (was${set}${why})`;
}

/** Throws `TypeError` unless `phrases` is a non-empty array of non-empty strings. */
export function checkPhrases(phrases: readonly string[]): void {
  if (!Array.isArray(phrases) || phrases.length === 0) throw new TypeError('phrases must be a non-empty array of strings');
  phrases.forEach((phrase, i) => {
    if (typeof phrase !== 'string' || phrase.trim().length === 0) {
      throw new TypeError(`phrases[${i}] must be a non-empty string, got ${JSON.stringify(phrase)}`);
    }
  });
}

/** Whether two phrase lists are the same, in order. */
export function samePhrases(a: readonly string[] | null, b: readonly string[]): boolean {
  return a !== null && a.length === b.length && a.every((phrase, i) => phrase === b[i]);
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
  const { overrideExpiresAt, ...layers } = row;
  return {
    ...layers,
    ...(overrideExpiresAt && row.override !== null ? { overrideExpiresAt } : {}),
    effective: row.override ?? row.recommended,
  };
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
