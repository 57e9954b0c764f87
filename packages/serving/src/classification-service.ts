import { ChurnPhraseMatcher } from './churn-phrases';
import { decideEscalation, resolveThreshold, type EscalationDecision, type ThresholdSource } from './escalation';
import { MicroBatcher, type MicroBatcherObserver, type MicroBatcherOptions } from './micro-batcher';
import type { TextClassifier } from './text-classifier';

/** Where effective thresholds come from (a `CachedThresholdStore` from `@mangaassist/thresholds` fits). */
export interface EffectiveThresholdSource {
  getEffective(modelId: string): Promise<Readonly<Record<string, number>>>;
}

/** Options of {@link ClassificationService}. */
export interface ClassificationServiceOptions {
  readonly classifier: TextClassifier;
  readonly thresholds: EffectiveThresholdSource;
  readonly batching: MicroBatcherOptions;
  readonly churnRule: { readonly enabled: boolean; readonly phrases: readonly string[]; readonly boost: number };
  /** For labels with neither a stored threshold nor one shipped with the model (`classifier.modelThresholds`). */
  readonly defaultThreshold: number;
  /** Deadline of one `classify` call, queueing included. */
  readonly timeoutMs: number;
  readonly observer?: MicroBatcherObserver;
}

/** One label's threshold as decisions use it now, and where it came from. */
export interface ThresholdInUse {
  readonly label: string;
  readonly threshold: number;
  readonly source: ThresholdSource;
}

/**
 * Classifies texts and decides escalation: the texts of concurrent calls are micro-batched through the one
 * classifier, thresholds are read per call (so a new override applies at the next cache refresh) — the store's
 * value for the model, else the one shipped with the model, else the configured default — and churn
 * phrases are matched on each text. Rejects with `ServingError` (`QUEUE_FULL`, `TIMEOUT`, `SHUTTING_DOWN`) or
 * whatever the threshold source throws when it has no thresholds to fall back on.
 *
 * @example
 * ```ts
 * const service = new ClassificationService({ classifier, thresholds: store, batching: { maxBatch: 16, maxWaitMs: 2, queueLimit: 1024 },
 *   churnRule: { enabled: true, phrases: ['cancel'], boost: 0.35 }, defaultThreshold: 0.5, timeoutMs: 5000 });
 * const [decision] = await service.classify(['I want to cancel, this is the worst']);
 * console.log(decision.escalate, decision.priority, decision.rule);
 * await service.drain();
 * ```
 */
export class ClassificationService {
  private readonly batcher: MicroBatcher<string, Float32Array>;
  private readonly matcher: ChurnPhraseMatcher;

  constructor(private readonly options: ClassificationServiceOptions) {
    const { classifier } = options;
    this.batcher = new MicroBatcher((texts) => classifier.predict(texts), options.batching, options.observer);
    this.matcher = new ChurnPhraseMatcher(options.churnRule.enabled ? options.churnRule.phrases : []);
  }

  /** The classifier's labels, in output order. */
  get labels(): readonly string[] {
    return this.options.classifier.labels;
  }

  /** The model id thresholds are looked up with. */
  get modelId(): string {
    return this.options.classifier.modelId;
  }

  /** Texts waiting for inference. */
  get queueDepth(): number {
    return this.batcher.queueDepth;
  }

  /** True once `drain()` was called. */
  /** Whether the classifier can run an inference now (see `TextClassifier.available`). */
  get modelAvailable(): boolean {
    return this.options.classifier.available ?? true;
  }

  get draining(): boolean {
    return this.batcher.draining;
  }

  /** One decision per text, in order. */
  async classify(texts: readonly string[]): Promise<EscalationDecision[]> {
    const { classifier, churnRule, defaultThreshold } = this.options;
    // Read thresholds while the texts wait for their batch: neither delays the other.
    const [probabilities, thresholds] = await Promise.all([
      this.batcher.submit(texts, { timeoutMs: this.options.timeoutMs }),
      this.options.thresholds.getEffective(classifier.modelId),
    ]);
    const policy = { thresholds, modelThresholds: classifier.modelThresholds ?? {}, defaultThreshold, churnBoost: churnRule.boost };
    return texts.map((text, i) => decideEscalation(classifier.labels, probabilities[i] as Float32Array, policy, this.matcher.match(text)));
  }

  /**
   * Every label's threshold as a decision would use it given the store's effective thresholds `stored` (label →
   * threshold, as `getEffective` returns them), with its source: `store`, else `model` (shipped with the model),
   * else `default`.
   */
  thresholdsInUse(stored: Readonly<Record<string, number>>): ThresholdInUse[] {
    const { classifier, defaultThreshold } = this.options;
    const policy = { thresholds: stored, modelThresholds: classifier.modelThresholds ?? {}, defaultThreshold };
    return classifier.labels.map((label) => ({ label, ...resolveThreshold(label, policy) }));
  }

  /** Stops accepting texts and finishes the queued ones. */
  drain(): Promise<void> {
    return this.batcher.drain();
  }
}
