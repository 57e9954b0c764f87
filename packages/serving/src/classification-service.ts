import { attributeWords, DEFAULT_EXPLAIN_MAX_WORDS, planOcclusion, type WordAttribution } from './attribution/occlusion';
import { WHOLE_WORD_PIECES } from './attribution/words';
import { ChurnPhraseMatcher } from './churn-phrases';
import { resolveThreshold, type ThresholdSource } from './escalation';
import type { ConversationMemory } from './conversation/conversation-memory';
import { extractOrderNumbers, toConversationTurn, type ConversationTurn } from './conversation/conversation-turn';
import type { EscalationPolicyPlugin, PolicyDecision } from './escalation-policy';
import { defaultPolicy } from './policies/default';
import { MicroBatcher, type MicroBatcherObserver, type MicroBatcherOptions } from './micro-batcher';
import type { TextClassifier } from './text-classifier';

/** Where effective thresholds come from (a `CachedThresholdStore` from `@mangaassist/thresholds` fits). */
export interface EffectiveThresholdSource {
  getEffective(modelId: string): Promise<Readonly<Record<string, number>>>;
}

/**
 * Where an operator-edited churn phrase list comes from (a `CachedThresholdStore` fits): null means none was
 * stored, and the configured phrases apply.
 */
export interface ChurnPhraseSource {
  getChurnPhrases(modelId: string): Promise<{ readonly phrases: readonly string[] } | null>;
}

/** Options of {@link ClassificationService}. */
export interface ClassificationServiceOptions {
  readonly classifier: TextClassifier;
  readonly thresholds: EffectiveThresholdSource;
  readonly batching: MicroBatcherOptions;
  readonly churnRule: { readonly enabled: boolean; readonly phrases: readonly string[]; readonly boost: number };
  /**
   * The operators' churn phrase list, read with every call like the thresholds (so a change applies to the next
   * message); it replaces `churnRule.phrases` while the rule is enabled. A failing read falls back to the last
   * list read, else to `churnRule.phrases`.
   */
  readonly churnPhrases?: ChurnPhraseSource;
  /** Told when `churnPhrases` fails or holds a list the matcher refuses. */
  readonly onChurnPhraseError?: (error: unknown) => void;
  /** For labels with neither a stored threshold nor one shipped with the model (`classifier.modelThresholds`). */
  readonly defaultThreshold: number;
  /** Deadline of one `classify` call, queueing included. */
  readonly timeoutMs: number;
  readonly observer?: MicroBatcherObserver;
  /** Word attributions (`attribute`): how many words of a text get a weight; default {@link DEFAULT_EXPLAIN_MAX_WORDS}. */
  readonly explain?: { readonly maxWords: number };
  /** Decides escalation from the probabilities (and the conversation); default: the `default` policy. */
  readonly policy?: EscalationPolicyPlugin;
  /** Where conversations' recent turns are kept; without one only a request's `history` gives earlier turns. */
  readonly conversations?: ConversationMemory;
  /** Told when the conversation memory fails; the message is then decided without its remembered turns. */
  readonly onConversationError?: (error: unknown, conversationId: string) => void;
  /** The clock of turn timestamps (ms); default `Date.now`. */
  readonly now?: () => number;
}

/** Which conversation the texts of one `classify` call belong to. */
export interface ConversationContext {
  /** The caller's id of the conversation: its earlier turns are read from, and these texts added to, the memory. */
  readonly conversationId?: string;
  /**
   * Earlier customer messages, oldest first, when the caller keeps the conversation itself: they are classified
   * with the texts and replace the remembered turns of `conversationId`.
   */
  readonly history?: readonly string[];
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
  /** The matcher of the stored list last read, keyed by that list (rebuilt only when it changes). */
  private stored: { readonly key: string; readonly matcher: ChurnPhraseMatcher } | undefined;
  private readonly policy: EscalationPolicyPlugin;

  constructor(private readonly options: ClassificationServiceOptions) {
    const { classifier } = options;
    this.batcher = new MicroBatcher((texts) => classifier.predict(texts), options.batching, options.observer);
    this.matcher = new ChurnPhraseMatcher(options.churnRule.enabled ? options.churnRule.phrases : []);
    this.policy = options.policy ?? defaultPolicy.create({}, {});
  }

  /** Whether the policy reads conversations (and `classify` uses the conversation memory). */
  get usesConversation(): boolean {
    return this.policy.usesConversation;
  }

  /** The id of the escalation policy in use. */
  get policyId(): string {
    return this.policy.id;
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

  /**
   * One decision per text, in order. With a conversation, the texts are its next messages in order: each is decided
   * with the turns before it (the remembered ones, or `history`, then the earlier texts of this call), and they are
   * remembered for the next call. Only a policy that reads conversations (`usesConversation`) gets them: with
   * another, `conversation` is ignored.
   */
  async classify(texts: readonly string[], conversation: ConversationContext = {}): Promise<PolicyDecision[]> {
    const { classifier, churnRule, defaultThreshold } = this.options;
    // A policy that decides on the message alone needs no earlier turns: they are neither classified nor kept.
    const withConversation = this.policy.usesConversation;
    const history = withConversation ? (conversation.history ?? []) : [];
    const id = conversation.conversationId;
    const memory = id === undefined || !withConversation ? undefined : this.options.conversations;
    // Read thresholds and the conversation while the texts wait for their batch: none delays the others.
    const [probabilities, thresholds, remembered, matcher] = await Promise.all([
      this.batcher.submit([...history, ...texts], { timeoutMs: this.options.timeoutMs }),
      this.options.thresholds.getEffective(classifier.modelId),
      memory && history.length === 0 ? this.readTurns(memory, id as string) : Promise.resolve([]),
      this.currentMatcher(),
    ]);
    const settings = { thresholds, modelThresholds: classifier.modelThresholds ?? {}, defaultThreshold, churnBoost: churnRule.boost };
    const at = (this.options.now ?? Date.now)();
    const earlier: ConversationTurn[] = [...remembered];
    const added: ConversationTurn[] = [];
    const decide = (text: string, row: Float32Array): PolicyDecision => {
      const churnPhrases = matcher.match(text);
      const decision = this.policy.decide({
        labels: classifier.labels,
        probabilities: row,
        settings,
        churnPhrases,
        orders: extractOrderNumbers(text),
        earlier,
      });
      const turn = toConversationTurn(text, decision.probabilities, churnPhrases, decision.escalate, at);
      earlier.push(turn);
      added.push(turn);
      return decision;
    };
    history.forEach((text, i) => decide(text, probabilities[i] as Float32Array));
    const decisions = texts.map((text, i) => decide(text, probabilities[history.length + i] as Float32Array));
    if (memory) await this.writeTurns(memory, id as string, added, history.length > 0);
    return decisions;
  }

  /** The churn phrases in force: the stored list when there is one (and the rule is on), else the configured one. */
  async churnPhrasesInUse(): Promise<{ phrases: string[]; source: 'store' | 'config' }> {
    const matcher = await this.currentMatcher();
    return { phrases: matcher.phrases, source: matcher === this.matcher ? 'config' : 'store' };
  }

  private async currentMatcher(): Promise<ChurnPhraseMatcher> {
    const source = this.options.churnPhrases;
    if (!source || !this.options.churnRule.enabled) return this.matcher;
    try {
      const list = await source.getChurnPhrases(this.options.classifier.modelId);
      if (!list) return this.matcher;
      const key = JSON.stringify(list.phrases);
      if (this.stored?.key !== key) this.stored = { key, matcher: new ChurnPhraseMatcher(list.phrases) };
      return this.stored.matcher;
    } catch (error) {
      this.options.onChurnPhraseError?.(error);
      return this.stored?.matcher ?? this.matcher;
    }
  }

  private async readTurns(memory: ConversationMemory, id: string): Promise<ConversationTurn[]> {
    try {
      return await memory.turns(id);
    } catch (error) {
      this.options.onConversationError?.(error, id);
      return [];
    }
  }

  private async writeTurns(memory: ConversationMemory, id: string, turns: ConversationTurn[], replace: boolean): Promise<void> {
    try {
      await (replace ? memory.replace(id, turns) : memory.append(id, turns));
    } catch (error) {
      this.options.onConversationError?.(error, id);
    }
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
