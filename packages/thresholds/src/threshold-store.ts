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
}

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
  /** Sets (number) or clears (null) the override of one label. */
  setOverride(modelId: string, label: string, value: number | null, change: ChangeInfo): Promise<void>;
  /** Every label's layers for a model. */
  list(modelId: string): Promise<LabelThreshold[]>;
  /** Effective thresholds (labels with neither layer set are absent). */
  getEffective(modelId: string): Promise<ThresholdMap>;
  /** Audit rows, newest first. */
  audit(modelId: string, options?: { limit?: number }): Promise<ThresholdAuditEntry[]>;
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
