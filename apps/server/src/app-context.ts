import type { ServingConfig } from '@mangaassist/common';
import type { ClassificationService, FeedbackLog } from '@mangaassist/serving';
import type { CachedStoreStatus, ChurnPhraseAuditEntry, ChurnPhraseList, ChangeInfo, StoreHealth, ThresholdAuditEntry, ThresholdStore } from '@mangaassist/thresholds';
import type { RecentEscalationTexts } from './escalation-texts';
import type { FeedbackVerdicts } from './feedback-verdicts';
import type { OpenApiRegistry } from './openapi';
import type { EscalationRegistry } from './recent-escalations';
import type { ServerMetrics } from './server-metrics';

/** A threshold store that reports whether it serves last-known-good values (`CachedThresholdStore` does). */
export interface ServerThresholdStore extends ThresholdStore {
  status(): CachedStoreStatus;
  /** Pings the store at most once per interval, for readiness probes. */
  checkHealth(): Promise<StoreHealth>;
  /** The effective thresholds last read for `modelId`, without asking the store. */
  peekEffective(modelId: string): Readonly<Record<string, number>> | undefined;
  /** Reverts expired temporary overrides (nothing to do for a store without them). */
  expireOverrides(modelId: string): Promise<ThresholdAuditEntry[]>;
  /** The operators' churn phrases, cached like thresholds; null when none are stored. */
  getChurnPhrases(modelId: string): Promise<ChurnPhraseList | null>;
  setChurnPhrases(modelId: string, phrases: readonly string[], change: ChangeInfo): Promise<void>;
  churnPhraseAudit(modelId: string, options?: { limit?: number }): Promise<ChurnPhraseAuditEntry[]>;
}

/**
 * Where the server is in its shutdown: `draining` from the stop signal (readiness fails so load balancers stop
 * routing here, every response says `Connection: close`, requests are still served), then `shuttingDown` once the
 * grace period is over (new requests get 503 with Retry-After while the ones admitted finish).
 */
export interface Lifecycle {
  draining: boolean;
  shuttingDown: boolean;
}

/**
 * Everything the routes use, built by the container. Routes receive it as an argument instead of reaching for
 * the container, so tests can build an app from hand-made parts.
 */
export interface AppContext {
  readonly serving: ServingConfig;
  readonly service: ClassificationService;
  readonly store: ServerThresholdStore;
  readonly feedback: FeedbackLog;
  /** The verdicts and the running feedback report (verdicts are stored through it). */
  readonly verdicts: FeedbackVerdicts;
  /** The latest escalations' text, for the console's verdicts panel. */
  readonly escalationTexts: RecentEscalationTexts;
  readonly metrics: ServerMetrics;
  readonly escalations: EscalationRegistry;
  readonly docs: OpenApiRegistry;
  readonly lifecycle: Lifecycle;
}
