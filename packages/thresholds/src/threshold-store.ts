/** Per-label thresholds of one model version: label → threshold in (0, 1). */
export type ThresholdMap = Readonly<Record<string, number>>;

/** The two layers kept per label; the effective value is `override ?? recommended`. */
export interface LabelThreshold {
  readonly label: string;
  /** From ML calibration (`calibrate`). */
  readonly recommended: number | null;
  /** Set by operations; wins over `recommended` while present. */
  readonly override: number | null;
  readonly overrideAuthor: string | null;
  readonly overrideReason: string | null;
  /**
   * When a temporary override reverts by itself (ISO time); absent for an override that stays until cleared (and
   * when there is none). An override past this time is no longer read: `override` is null here and the effective
   * value falls back to `recommended`, also before {@link ThresholdStore.expireOverrides} has recorded the revert.
   */
  readonly overrideExpiresAt?: string;
  /** `override ?? recommended`; null when neither is set. */
  readonly effective: number | null;
  readonly updatedAt: string;
}

/** One append-only audit row: every change of a recommended or override value. */
export interface ThresholdAuditEntry {
  readonly id: number;
  readonly modelId: string;
  readonly label: string;
  readonly layer: 'recommended' | 'override';
  readonly oldValue: number | null;
  readonly newValue: number | null;
  readonly author: string;
  readonly reason: string;
  readonly at: string;
  /** For an override set for a limited time: when it reverts by itself (ISO time). */
  readonly expiresAt?: string;
}

/** Options of {@link ThresholdStore.setOverride}. */
export interface OverrideOptions {
  /**
   * Makes the override temporary: past this time it is no longer effective, and `expireOverrides` clears it with
   * an audit row. Must be later than now; ignored when clearing (value null).
   */
  readonly expiresAt?: Date;
}

/** The churn phrases an operator set for a model, replacing the configured list. */
export interface ChurnPhraseList {
  readonly phrases: readonly string[];
  readonly author: string;
  readonly reason: string;
  readonly updatedAt: string;
}

/** One append-only audit row of a churn phrase list change. */
export interface ChurnPhraseAuditEntry {
  readonly id: number;
  readonly modelId: string;
  /** The list before (null: none was stored, the configured list applied). */
  readonly oldPhrases: readonly string[] | null;
  readonly newPhrases: readonly string[];
  readonly author: string;
  readonly reason: string;
  readonly at: string;
}

/** Author of the audit row that records the automatic revert of an expired temporary override. */
export const EXPIRY_AUTHOR = 'system (override expiry)';

/**
 * Where thresholds live. Implementations (sqlite, postgres, redis) are plugins; a TTL cache wraps any of them.
 * All methods may reject with `STORE_UNAVAILABLE` when the backing service is down. Invalid arguments (a threshold
 * outside (0, 1), a label that is not lower snake case, an empty author or reason) reject with `RangeError` or
 * `TypeError` before the backend is touched. Writing the value a layer already has is a no-op: no audit row.
 *
 * @example
 * ```ts
 * await store.setRecommended('manga-v1', { frustration: 0.35 }, { author: 'calibrate', reason: 'fbeta-sweep' });
 * await store.setOverride('manga-v1', 'frustration', 0.3, { author: 'ops@example', reason: 'too many misses' });
 * const effective = await store.getEffective('manga-v1'); // { frustration: 0.3 }
 * ```
 */
export interface ThresholdStore {
  /** Replaces the recommended thresholds of the given labels (one audit row per changed label). */
  setRecommended(modelId: string, thresholds: ThresholdMap, change: ChangeInfo): Promise<void>;
  /** Sets (number) or clears (null) the override of one label; `options.expiresAt` makes it temporary. */
  setOverride(modelId: string, label: string, value: number | null, change: ChangeInfo, options?: OverrideOptions): Promise<void>;
  /** Every label's layers for a model. */
  list(modelId: string): Promise<LabelThreshold[]>;
  /** Effective thresholds (labels with neither layer set are absent). */
  getEffective(modelId: string): Promise<ThresholdMap>;
  /** Audit rows, newest first. */
  audit(modelId: string, options?: { limit?: number }): Promise<ThresholdAuditEntry[]>;
  /**
   * Clears every override of the model whose expiry has passed, each with one audit row by {@link EXPIRY_AUTHOR},
   * and returns those rows. The clear is conditional (only an override still expired when the change runs is
   * cleared), so when several processes call this at once each revert is recorded exactly once, by the process
   * whose change went through; the others get an empty list (and the change notice).
   */
  expireOverrides?(modelId: string): Promise<ThresholdAuditEntry[]>;
  /** The churn phrases stored for the model, or null when none were (the configured list applies). */
  getChurnPhrases?(modelId: string): Promise<ChurnPhraseList | null>;
  /**
   * Replaces the model's churn phrase list (one audit row; the same list again is a no-op). Phrases are stored as
   * given: the caller validates and normalises them.
   */
  setChurnPhrases?(modelId: string, phrases: readonly string[], change: ChangeInfo): Promise<void>;
  /** Churn phrase list changes, newest first. */
  churnPhraseAudit?(modelId: string, options?: { limit?: number }): Promise<ChurnPhraseAuditEntry[]>;
  /** Cheap reachability check for readiness probes. */
  ping(): Promise<void>;
  /**
   * Shared stores (postgres, redis) tell every process about changes made by any of them, so caches in front of
   * them can drop a changed model at once instead of waiting out their TTL. Absent on single-process stores
   * (sqlite), where the cache's own writes already drop it. Closing the store ends every watch.
   */
  watch?(listener: (notice: ThresholdChangeNotice) => void): ThresholdWatch;
  close(): Promise<void>;
}

/**
 * What a shared store tells its watchers: one model's thresholds changed (written by any process), or the
 * subscription was down for a while and notices may have been missed, so everything cached should be re-read.
 */
export type ThresholdChangeNotice =
  | { readonly kind: 'changed'; readonly modelId: string }
  | { readonly kind: 'resync' };

/** A running {@link ThresholdStore.watch}; `close` stops the notices (idempotent). */
export interface ThresholdWatch {
  close(): Promise<void>;
}

/** Who changed a threshold and why (kept in the audit trail). */
export interface ChangeInfo {
  readonly author: string;
  readonly reason: string;
}
