import type { ModelSelection } from '@mangaassist/common';
import type { LabelMetrics } from '@mangaassist/data';

/** One line of `metrics.jsonl` for a logged optimizer step. */
export interface StepRecord {
  readonly type: 'step';
  readonly epoch: number;
  /** 0-based step inside the epoch. */
  readonly step: number;
  /** Steps completed over the run (after this one). */
  readonly globalStep: number;
  readonly stepsPerEpoch: number;
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Learning rate of each trainable group at this step, by the model's group name. */
  readonly lr: Readonly<Record<string, number>>;
  /** Training throughput since this process started the epoch. */
  readonly examplesPerSecond: number;
}

/** Validation metrics of one epoch, as logged. */
export interface ValidationRecord {
  readonly n: number;
  readonly loss: number | undefined;
  readonly macroF1: number;
  readonly exactMatch: number;
  readonly hammingLoss: number;
  readonly perLabel: Readonly<Record<string, LabelMetrics>>;
}

/** One line of `metrics.jsonl` at the end of an epoch. */
export interface EpochRecord {
  readonly type: 'epoch';
  readonly epoch: number;
  /** Groups that trained in this epoch, by the model's group name, from the top (the head first). */
  readonly groups: readonly string[];
  /** Peak (discriminative) learning rate of each trainable group, by name. */
  readonly learningRates: Readonly<Record<string, number>>;
  /** Optimizer steps run in this epoch. */
  readonly steps: number;
  /** Mean training loss over the epoch's examples. */
  readonly trainLoss: number;
  readonly validation: ValidationRecord;
  /** True when this epoch set a new best validation macro-F1, or tied it at a lower validation loss (its weights are in `best-model/` under `modelSelection: best-validation`). */
  readonly improved: boolean;
  /** Wall time of the epoch, in this process (a resumed epoch counts only its resumed part). */
  readonly seconds: number;
}

/** One line of `metrics.jsonl` written when a run is resumed from a checkpoint. */
export interface ResumeRecord {
  readonly type: 'resume';
  readonly epoch: number;
  readonly step: number;
  readonly globalStep: number;
}

/** Any line of `metrics.jsonl`. */
export type MetricsRecord = StepRecord | EpochRecord | ResumeRecord;

/** Why a run ended. */
export type StopReason = 'completed' | 'early-stopping' | 'max-steps' | 'interrupted';

/** What a training run returns (also written to `summary.json`). */
export interface TrainSummary {
  readonly runDir: string;
  readonly stopReason: StopReason;
  readonly epochs: number;
  readonly globalStep: number;
  readonly trainExamples: number;
  readonly validationExamples: number;
  /** Labels scored on validation. */
  readonly evalLabels: readonly string[];
  /** The model's layer groups, first (the embeddings) to last (the head): what schedules count positions in. */
  readonly layerGroups: readonly string[];
  /** The epoch with the highest validation macro-F1 and its record, or `null` before any validation. */
  readonly best: { readonly epoch: number; readonly macroF1: number; readonly record: EpochRecord } | null;
  /** Training wall time summed over every process that worked on the run. */
  readonly trainSeconds: number;
  readonly history: readonly EpochRecord[];
  /** Folder of the best model (Hugging Face style), or `null` when none was saved (also under `modelSelection: 'last-epoch'`, which does not write it). */
  readonly bestModelDir: string | null;
  /** How the kept model was chosen: the best validation epoch's, or the last epoch's. */
  readonly modelSelection: ModelSelection;
  /** Folder of the kept model (`best-model/` or `last-model/`, as `modelSelection` says), or `null` when none was saved: what to evaluate, export or publish. */
  readonly modelDir: string | null;
}

/** Where a run stands, given to {@link TrainReporter.onStart}. */
export interface TrainStart {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly trainExamples: number;
  readonly batchSize: number;
  /** The model's layer groups, first (the embeddings) to last (the head): what schedules count positions in. */
  readonly layerGroups: readonly string[];
  /** Present when the run continues from a checkpoint. */
  readonly resumedFrom?: { readonly epoch: number; readonly step: number; readonly globalStep: number };
}

/** A checkpoint that was just written. */
export interface CheckpointInfo {
  readonly path: string;
  readonly epoch: number;
  /** The next step to run in `epoch`. */
  readonly step: number;
  readonly globalStep: number;
}

/**
 * Observes a training run (progress bars, logs, tests). A hook may return a promise; the loop waits for it.
 *
 * @example
 * ```ts
 * const reporter: TrainReporter = { onEpoch: (r) => console.log(r.epoch, r.validation.macroF1) };
 * ```
 */
export interface TrainReporter {
  onStart?(info: TrainStart): void | Promise<void>;
  onStep?(record: StepRecord): void | Promise<void>;
  onEpoch?(record: EpochRecord): void | Promise<void>;
  onCheckpoint?(info: CheckpointInfo): void | Promise<void>;
  onEnd?(summary: TrainSummary): void | Promise<void>;
}
