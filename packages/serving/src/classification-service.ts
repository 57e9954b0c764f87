import { attributeWords, DEFAULT_EXPLAIN_MAX_WORDS, planOcclusion, type WordAttribution } from './attribution/occlusion';
import { WHOLE_WORD_PIECES } from './attribution/words';
import { ChurnPhraseMatcher } from './churn-phrases';
import { decideEscalation, type EscalationDecision } from './escalation';
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
  /** For labels without an effective threshold. */
  readonly defaultThreshold: number;
  /** Deadline of one `classify` call, queueing included. */
  readonly timeoutMs: number;
  readonly observer?: MicroBatcherObserver;
  /** Word attributions (`attribute`): how many words of a text get a weight; default {@link DEFAULT_EXPLAIN_MAX_WORDS}. */
  readonly explain?: { readonly maxWords: number };
}

/**
 * Classifies texts and decides escalation: the texts of concurrent calls are micro-batched through the one
 * classifier, thresholds are read per call (so a new override applies at the next cache refresh), and churn
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
    const policy = { thresholds, defaultThreshold, churnBoost: churnRule.boost };
    return texts.map((text, i) => decideEscalation(classifier.labels, probabilities[i] as Float32Array, policy, this.matcher.match(text)));
  }

  /**
   * Which words drove the probability of each of `labels` for `text`: word occlusion (see `attributeWords`). The
   * text as read and its variants without each of the first `explain.maxWords` words go through the micro-batcher
   * as one whole submission, so they are scored in one inference run (on one worker of a pool), under the same
   * deadline and queue limit as `classify`.
   *
   * The churn phrase boost is left out: weights explain the model's probability, which is what a word can move;
   * the boost is a fixed amount added when a phrase matches, reported beside (the decision's `churnPhrases`).
   */
  async attribute(text: string, labels: readonly string[]): Promise<WordAttribution> {
    const { classifier } = this.options;
    const plan = planOcclusion(text, classifier.wordPieces ?? WHOLE_WORD_PIECES, this.options.explain?.maxWords ?? DEFAULT_EXPLAIN_MAX_WORDS);
    const rows = await this.batcher.submit(plan.texts, { timeoutMs: this.options.timeoutMs, whole: true });
    return attributeWords(plan, classifier.labels, labels, rows);
  }

  /** Stops accepting texts and finishes the queued ones. */
  drain(): Promise<void> {
    return this.batcher.drain();
  }
}
