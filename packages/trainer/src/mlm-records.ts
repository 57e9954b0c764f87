import type { CheckpointInfo, ResumeRecord } from './train-records';

/** Held-out masked-LM loss of one group of texts. */
export interface MlmLoss {
  /** Mean cross-entropy per target token (nats). */
  readonly loss: number;
  /** `exp(loss)`. */
  readonly perplexity: number;
  /** Targets the mean is over. */
  readonly maskedTokens: number;
  readonly texts: number;
}

/** The held-out masked-LM loss over all texts and per source (`goemotions`, `generated`, a file's name…). */
export interface MlmEvaluation extends MlmLoss {
  readonly bySource: Readonly<Record<string, MlmLoss>>;
}

/** One line of `metrics.jsonl` for a logged masked-LM step. */
export interface MlmStepRecord {
  readonly type: 'mlm-step';
  readonly epoch: number;
  /** 0-based step inside the epoch. */
  readonly step: number;
  /** Steps completed over the run (after this one). */
  readonly globalStep: number;
  readonly stepsPerEpoch: number;
  /** Mean cross-entropy over the batch's targets. */
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  readonly lr: number;
  /** Targets in the batch. */
  readonly maskedTokens: number;
  /** Real tokens trained on per second of training (evaluation excluded) in this process. */
  readonly tokensPerSecond: number;
  readonly examplesPerSecond: number;
}

/** When a held-out evaluation ran: before the first step, every `evalEverySteps`, after the last. */
export type MlmEvalStage = 'before' | 'during' | 'after';

/** One line of `metrics.jsonl` for a held-out evaluation. */
export interface MlmEvalRecord {
  readonly type: 'mlm-eval';
  readonly stage: MlmEvalStage;
  readonly globalStep: number;
  readonly evaluation: MlmEvaluation;
  readonly seconds: number;
}

/** Any line of a masked-LM run's `metrics.jsonl`. */
export type MlmMetricsRecord = MlmStepRecord | MlmEvalRecord | ResumeRecord;

/** Why a masked-LM run ended. */
export type MlmStopReason = 'completed' | 'max-steps' | 'interrupted';

/** Where a masked-LM run stands when it starts. */
export interface MlmStart {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly trainTexts: number;
  readonly heldOutTexts: number;
  readonly batchSize: number;
  readonly resumedFrom?: { readonly epoch: number; readonly step: number; readonly globalStep: number };
}

/** What a masked-LM run returns, also written to `mlm-summary.json` in the run directory. */
export interface MlmSummary {
  readonly runDir: string;
  /** The `DistilBertForMaskedLM` directory written at the end, or `null` when the run did not finish. */
  readonly modelDir: string | null;
  readonly stopReason: MlmStopReason;
  readonly globalStep: number;
  readonly totalSteps: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainTexts: number;
  readonly heldOutTexts: number;
  /** Real tokens trained on, over every process of the run. */
  readonly tokensTrained: number;
  /** Training time over every process of the run (held-out evaluations excluded). */
  readonly trainSeconds: number;
  /** Time spent on held-out evaluations. */
  readonly evalSeconds: number;
  /** `tokensTrained / trainSeconds`. */
  readonly tokensPerSecond: number;
  readonly heldOut: {
    readonly before: MlmEvaluation;
    /** `null` until the run finishes. */
    readonly after: MlmEvaluation | null;
    /** Evaluations between (with `evalEverySteps`), by step. */
    readonly during: readonly { readonly globalStep: number; readonly evaluation: MlmEvaluation }[];
  };
}

/**
 * Observes a masked-LM run (console progress, tests). A hook may return a promise; the loop waits for it.
 *
 * @example
 * ```ts
 * const reporter: MlmReporter = { onEvaluation: (r) => console.log(r.stage, r.evaluation.loss) };
 * ```
 */
export interface MlmReporter {
  onStart?(info: MlmStart): void | Promise<void>;
  onStep?(record: MlmStepRecord): void | Promise<void>;
  onEvaluation?(record: MlmEvalRecord): void | Promise<void>;
  onCheckpoint?(info: CheckpointInfo): void | Promise<void>;
  onEnd?(summary: MlmSummary): void | Promise<void>;
}
