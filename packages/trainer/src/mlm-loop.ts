import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkMaskingOptions, type MlmMaskingOptions } from '@mangaassist/core-model';
import { registerTfjsGradients } from '@mangaassist/runtime-tfjs';
import { z } from 'zod';
import { checkInteger } from './check-integer';
import { AdamW } from './adamw';
import { atomicWriteFile } from './atomic-file';
import { chunk } from './batching';
import { checkDataUnchanged, DataChangedRestart, type DataFileDigests } from './data-files';
import type { LrSchedule } from './lr-schedule';
import { MetricsLog } from './metrics-log';
import { disposeMlmBatch, makeMlmBatch } from './mlm-batching';
import { evaluateMaskedLm, type MlmExample } from './mlm-evaluate';
import type { MlmEvalRecord, MlmEvalStage, MlmEvaluation, MlmMetricsRecord, MlmReporter, MlmStepRecord, MlmStopReason, MlmSummary } from './mlm-records';
import type { MaskedLmTrainable } from './mlm-trainable';
import { optimizerStep } from './optimizer-step';
import { mixSeed, permutation } from './rng';
import { lockRunDir } from './run-lock';
import type { OptimizerSettings } from './train-loop';
import { restoreTrainingCheckpoint, saveTrainingCheckpoint, type CheckpointedVariable } from './variable-checkpoint';

/** Names of the files a masked-LM run writes beside the model in its directory. */
export const MLM_RUN_FILES = {
  checkpoint: 'checkpoint.safetensors',
  metrics: 'metrics.jsonl',
  summary: 'mlm-summary.json',
} as const;

/** Everything {@link pretrainMaskedLm} needs. */
export interface PretrainMaskedLmOptions {
  readonly model: MaskedLmTrainable;
  /** Tokenised training texts (`[CLS] … [SEP]`, already cut to the length limit). */
  readonly train: readonly Int32Array[];
  /** Held-out texts: the loss on them is measured before the first step and after the last. */
  readonly heldOut: readonly MlmExample[];
  readonly masking: MlmMaskingOptions;
  readonly lrSchedule: LrSchedule;
  /** AdamW settings; every variable trains at `baseLr` times the schedule's factor. */
  readonly optimizer: Omit<OptimizerSettings, 'lrDecay'>;
  readonly epochs: number;
  readonly batchSize: number;
  /** Texts per held-out forward pass (default 64). */
  readonly evalBatchSize?: number;
  /** Seeds data order, masks and dropout: the same seed gives the same run. */
  readonly seed: number;
  /** Stop after this many optimizer steps in total. */
  readonly maxSteps?: number;
  /** Checkpoint every this many steps (0 or absent: only at the start and at the end). */
  readonly checkpointEverySteps?: number;
  /** Log a step record every this many steps (default 10; the last step is always logged). */
  readonly logEverySteps?: number;
  /** Also measure the held-out loss every this many steps (0 or absent: only before and after). */
  readonly evalEverySteps?: number;
  /** Padding token id (default 0). */
  readonly padId?: number;
  /** Run directory: checkpoint, metrics log and summary; the model is saved here too unless `modelDir` is given. */
  readonly runDir: string;
  readonly modelDir?: string;
  /** Continue from the run directory's checkpoint instead of starting over. */
  readonly resume?: boolean;
  /** Identifies the configuration; a checkpoint written under another fingerprint is refused on resume. */
  readonly fingerprint?: string;
  /** SHA-256 of each text file read (`hashDataFiles`); a resume whose files differ is refused naming the file. */
  readonly dataFiles?: DataFileDigests;
  /** When the data changed since the checkpoint, start a new run (and say so through `log`) instead of refusing. */
  readonly restartOnDataChange?: boolean;
  /** Receives notices about the run directory (a stale lock taken over, a restart on changed data). */
  readonly log?: (line: string) => void;
  readonly reporter?: MlmReporter;
  /** When aborted, the loop checkpoints after the current step and returns with stop reason `interrupted`. */
  readonly signal?: AbortSignal;
}

/** The run's state saved in its checkpoint beside the tensors. */
interface MlmState {
  readonly fingerprint: string;
  /** Absent in checkpoints written before data digests were recorded. */
  readonly dataFiles?: DataFileDigests;
  readonly trainTexts: number;
  readonly stepsPerEpoch: number;
  /** Epoch of the next step (1-based). */
  epoch: number;
  /** Next step inside `epoch`. */
  step: number;
  globalStep: number;
  tokensTrained: number;
  trainSeconds: number;
  evalSeconds: number;
  metricsLogBytes: number;
  before: MlmEvaluation | null;
  during: { globalStep: number; evaluation: MlmEvaluation }[];
  after: MlmEvaluation | null;
  /** Set once the run has finished and its model is saved. */
  stopReason: Exclude<MlmStopReason, 'interrupted'> | null;
  optimizerSteps: Record<string, number>;
}

const count = z.number().int().nonnegative();
const positive = z.number().int().positive();
// Held-out figures are kept as written: a NaN loss becomes null in JSON and is reported, not refused.
const evaluationSchema = z.looseObject({ loss: z.number().nullable(), texts: count });

/** What a masked-LM checkpoint's state must hold, checked on resume (see `readCheckpoint`). */
const mlmStateSchema = z.object({
  fingerprint: z.string(),
  dataFiles: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex')).optional(),
  trainTexts: positive,
  stepsPerEpoch: positive,
  epoch: positive,
  step: count,
  globalStep: count,
  tokensTrained: count,
  trainSeconds: z.number().nonnegative(),
  evalSeconds: z.number().nonnegative(),
  metricsLogBytes: count,
  before: evaluationSchema.nullable(),
  during: z.array(z.object({ globalStep: count, evaluation: evaluationSchema })),
  after: evaluationSchema.nullable(),
  stopReason: z.enum(['completed', 'max-steps']).nullable(),
  optimizerSteps: z.record(z.string(), positive),
}) as unknown as z.ZodType<MlmState>; // evaluations are loose objects in the schema, MlmEvaluation in the type

/**
 * Continues masked-LM pretraining of a model on unlabelled text (ULMFiT's middle stage, domain-adaptive
 * pretraining): BERT's masking drawn afresh for every batch, AdamW with gradient clipping and an LR schedule plugin,
 * the held-out loss measured before the first step and after the last (with fixed masks, so the two compare), atomic
 * checkpoints with optimizer state and exact resumption (data order, masks and dropout depend only on
 * (seed, epoch, step)). At the end the model is saved and `mlm-summary.json` written.
 *
 * @example
 * ```ts
 * const summary = await pretrainMaskedLm({
 *   model, train, heldOut, masking: model.maskingOptions(), epochs: 1, batchSize: 32, seed: 42, runDir: 'runs/dapt',
 *   lrSchedule: createLrScheduleRegistry().create('stlr', {}, undefined),
 *   optimizer: { baseLr: 5e-5, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradClipNorm: 1 },
 * });
 * console.log(summary.heldOut.before.loss, '→', summary.heldOut.after?.loss);
 * ```
 */
export async function pretrainMaskedLm(options: PretrainMaskedLmOptions): Promise<MlmSummary> {
  checkOptions(options);
  registerTfjsGradients();
  mkdirSync(options.runDir, { recursive: true });
  const release = lockRunDir(options.runDir, { log: options.log });
  try {
    return await pretrainLocked(options);
  } finally {
    release();
  }
}

async function pretrainLocked(options: PretrainMaskedLmOptions): Promise<MlmSummary> {
  const { model, train, heldOut, masking, runDir, reporter = {}, signal, epochs, batchSize, seed, padId = 0 } = options;
  mkdirSync(runDir, { recursive: true });
  const modelDir = options.modelDir ?? runDir;
  const stepsPerEpoch = Math.ceil(train.length / batchSize);
  const totalSteps = Math.min(epochs * stepsPerEpoch, options.maxSteps ?? Infinity);
  const logEvery = options.logEverySteps ?? 10;
  const checkpointEvery = options.checkpointEverySteps ?? 0;
  const evalEvery = options.evalEverySteps ?? 0;
  const variables: CheckpointedVariable[] = model.trainableVariables().map((variable, i) => ({ key: `model/${i}`, variable }));
  const adam = new AdamW(options.optimizer);
  const log = new MetricsLog<MlmMetricsRecord>(join(runDir, MLM_RUN_FILES.metrics));
  const checkpointPath = join(runDir, MLM_RUN_FILES.checkpoint);
  const fingerprint = options.fingerprint ?? '';
  const evaluationOptions = { masking, seed: mixSeed(seed, 0x4e1d), batchSize: options.evalBatchSize ?? 64, padId };

  const resumed = options.resume ? restoreUnlessDataChanged() : undefined;
  const state: MlmState = resumed ?? freshState();
  if (resumed) {
    log.truncate(state.metricsLogBytes);
    log.append({ type: 'resume', epoch: state.epoch, step: state.step, globalStep: state.globalStep });
  } else {
    for (const name of Object.values(MLM_RUN_FILES)) rmSync(join(runDir, name), { force: true });
  }

  const checkpoint = async () => {
    state.metricsLogBytes = log.size();
    await saveTrainingCheckpoint(checkpointPath, state, variables, adam);
    await reporter.onCheckpoint?.({ path: checkpointPath, epoch: state.epoch, step: state.step, globalStep: state.globalStep });
  };
  const evaluate = async (stage: MlmEvalStage): Promise<MlmEvaluation> => {
    const started = performance.now();
    const evaluation = await evaluateMaskedLm(model, heldOut, evaluationOptions);
    const seconds = (performance.now() - started) / 1000;
    state.evalSeconds += seconds;
    const record: MlmEvalRecord = { type: 'mlm-eval', stage, globalStep: state.globalStep, evaluation, seconds };
    log.append(record);
    await reporter.onEvaluation?.(record);
    return evaluation;
  };

  await reporter.onStart?.({
    epochs,
    stepsPerEpoch,
    totalSteps,
    trainTexts: train.length,
    heldOutTexts: heldOut.length,
    batchSize,
    ...(resumed ? { resumedFrom: { epoch: state.epoch, step: state.step, globalStep: state.globalStep } } : {}),
  });

  try {
    if (state.before === null) {
      state.before = await evaluate('before');
      // The "before" figure is part of the run: a crash after this point resumes without measuring it again.
      await checkpoint();
    }
    let tokensThisProcess = 0;
    let examplesThisProcess = 0;
    let secondsThisProcess = 0;
    while (state.stopReason === null && state.globalStep < totalSteps) {
      const epoch = state.epoch;
      const batches = chunk(permutation(train.length, mixSeed(seed, epoch, 0x0d47a)), batchSize);
      while (state.step < stepsPerEpoch && state.globalStep < totalSteps) {
        const step = state.step;
        const stepStart = performance.now();
        const lr = options.optimizer.baseLr * options.lrSchedule.factor({ epoch, step, stepsPerEpoch, globalStep: state.globalStep, totalSteps });
        const maskSeed = mixSeed(seed, epoch, step, 0x3a5c);
        const batch = makeMlmBatch(
          batches[step]!.map((i) => train[i]!),
          masking,
          (j) => mixSeed(maskSeed, j),
          padId,
          true,
        );
        let loss: number;
        let gradNorm: number;
        try {
          const dropoutSeed = mixSeed(seed, epoch, step, 0xd209);
          ({ loss, gradNorm } = await optimizerStep(
            () => model.loss(batch.inputs, { training: true, seed: dropoutSeed }),
            variables.map(({ variable }) => ({ variable, lr })),
            adam,
            options.optimizer.gradClipNorm,
          ));
        } finally {
          disposeMlmBatch(batch);
        }
        if (!Number.isFinite(loss)) throw new Error(`masked-LM loss is ${loss} at epoch ${epoch} step ${step}; lower optimizer.baseLr or check the data`);
        const seconds = (performance.now() - stepStart) / 1000;
        secondsThisProcess += seconds;
        state.trainSeconds += seconds;
        tokensThisProcess += batch.tokens;
        examplesThisProcess += batch.size;
        state.tokensTrained += batch.tokens;
        state.globalStep++;
        state.step = step + 1;
        const record: MlmStepRecord = {
          type: 'mlm-step',
          epoch,
          step,
          globalStep: state.globalStep,
          stepsPerEpoch,
          loss,
          gradNorm,
          lr,
          maskedTokens: batch.targets,
          tokensPerSecond: tokensThisProcess / Math.max(1e-9, secondsThisProcess),
          examplesPerSecond: examplesThisProcess / Math.max(1e-9, secondsThisProcess),
        };
        const last = state.globalStep === totalSteps;
        if (state.globalStep % logEvery === 0 || last) log.append(record);
        await reporter.onStep?.(record);
        if (state.step === stepsPerEpoch) {
          state.epoch = epoch + 1;
          state.step = 0;
        }
        if (evalEvery > 0 && state.globalStep % evalEvery === 0 && !last) {
          state.during.push({ globalStep: state.globalStep, evaluation: await evaluate('during') });
        }
        if (signal?.aborted) {
          await checkpoint();
          return await finish('interrupted');
        }
        if (checkpointEvery > 0 && state.globalStep % checkpointEvery === 0 && !last) await checkpoint();
        // Lets signal handlers and timers run between steps (the tensor work itself is synchronous).
        await new Promise((resolve) => setImmediate(resolve));
        if (state.step === 0) break;
      }
    }
    if (state.stopReason === null) {
      state.after = await evaluate('after');
      await model.save(modelDir);
      state.stopReason = totalSteps < epochs * stepsPerEpoch ? 'max-steps' : 'completed';
      await checkpoint();
    }
    return await finish(state.stopReason);
  } finally {
    adam.dispose();
  }

  function restoreUnlessDataChanged(): MlmState | undefined {
    try {
      return restoreTrainingCheckpoint<MlmState>(
        checkpointPath,
        variables,
        adam,
        (saved) => {
          if (saved.fingerprint !== fingerprint) return 'was written by a different configuration (fingerprint mismatch); resume with the run\'s own settings or start a new run';
          checkDataUnchanged(checkpointPath, saved.dataFiles, options.dataFiles, options.restartOnDataChange ?? false);
          if (saved.trainTexts !== train.length || saved.stepsPerEpoch !== stepsPerEpoch) {
            return `was written for ${saved.trainTexts} training texts in ${saved.stepsPerEpoch} steps per epoch, but this run has ${train.length} in ${stepsPerEpoch}`;
          }
          return undefined;
        },
        mlmStateSchema,
      );
    } catch (error) {
      if (!(error instanceof DataChangedRestart)) throw error;
      options.log?.(`${error.file} changed since the checkpoint in ${runDir}: starting a new run instead of resuming (restart on data change)`);
      return undefined;
    }
  }

  function freshState(): MlmState {
    return {
      fingerprint,
      ...(options.dataFiles ? { dataFiles: options.dataFiles } : {}),
      trainTexts: train.length,
      stepsPerEpoch,
      epoch: 1,
      step: 0,
      globalStep: 0,
      tokensTrained: 0,
      trainSeconds: 0,
      evalSeconds: 0,
      metricsLogBytes: 0,
      before: null,
      during: [],
      after: null,
      stopReason: null,
      optimizerSteps: {},
    };
  }

  async function finish(stopReason: MlmStopReason): Promise<MlmSummary> {
    const summary: MlmSummary = {
      runDir,
      modelDir: state.stopReason === null ? null : modelDir,
      stopReason,
      globalStep: state.globalStep,
      totalSteps,
      epochs,
      batchSize,
      trainTexts: train.length,
      heldOutTexts: heldOut.length,
      tokensTrained: state.tokensTrained,
      trainSeconds: state.trainSeconds,
      evalSeconds: state.evalSeconds,
      tokensPerSecond: state.tokensTrained / Math.max(1e-9, state.trainSeconds),
      heldOut: { before: state.before!, after: state.after, during: state.during },
    };
    atomicWriteFile(join(runDir, MLM_RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
    await reporter.onEnd?.(summary);
    return summary;
  }
}

function checkOptions(options: PretrainMaskedLmOptions): void {
  checkInteger('epochs', options.epochs, 1);
  checkInteger('batchSize', options.batchSize, 1);
  checkInteger('evalBatchSize', options.evalBatchSize, 1);
  checkInteger('maxSteps', options.maxSteps, 1);
  checkInteger('checkpointEverySteps', options.checkpointEverySteps, 0);
  checkInteger('logEverySteps', options.logEverySteps, 1);
  checkInteger('evalEverySteps', options.evalEverySteps, 0);
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  if (options.train.length === 0) throw new RangeError('train must hold at least one text');
  if (options.heldOut.length === 0) throw new RangeError('heldOut must hold at least one text');
  if (!(options.optimizer.baseLr > 0)) throw new RangeError(`optimizer.baseLr must be > 0, got ${options.optimizer.baseLr}`);
  checkMaskingOptions(options.masking);
}
