import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { MangaAssistError, type ModelSelection } from '@mangaassist/common';
import { registerTfjsGradients } from '@mangaassist/runtime-tfjs';
import { checkInteger } from './check-integer';
import { checkDataUnchanged, DataChangedRestart, type DataFileDigests } from './data-files';
import { AdamW } from './adamw';
import { atomicWriteFile } from './atomic-file';
import { chunk, disposeBatch, makeBatch, type EncodedExample } from './batching';
import {
  BEST_MODEL_DIR,
  epochModelFolders,
  LAST_MODEL_DIR,
  recoverBestModel,
  recoverLastModel,
  saveBestModel,
  saveEpochModel,
  saveLastModel,
} from './model-folders';
import type { TrainableClassifier, TrainingLoss } from './classifier';
import { evaluateClassifier } from './evaluate';
import { discriminativeRates, orderedGroups, spreadRates, type LayerGroup } from './layer-groups';
import type { LrSchedule } from './lr-schedule';
import { labelsPresent } from '@mangaassist/data';
import { MetricsLog } from './metrics-log';
import { optimizerStep } from './optimizer-step';
import { writeReport } from './report';
import { mixSeed, permutation } from './rng';
import type { EpochRecord, StepRecord, StopReason, TrainReporter, TrainSummary } from './train-records';
import type { UnfreezingSchedule } from './unfreezing-schedule';
import { lockRunDir } from './run-lock';
import { restoreTrainingCheckpoint, saveTrainingCheckpoint } from './variable-checkpoint';

/** Optimizer settings (the `optimizer` section of a training config). */
export interface OptimizerSettings {
  /** The last group's (the head's) peak rate. */
  readonly baseLr: number;
  /** Each group below trains at the rate of the group above divided by this (1: one rate for all). */
  readonly lrDecay: number;
  /**
   * Discriminative rates as fastai's `slice(low, high)`: the first group at `low`, the head at `high`, spread
   * geometrically between; when given, it sets the groups' rates instead of `baseLr` and `lrDecay`.
   */
  readonly lrRange?: readonly [low: number, high: number];
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Global-norm clipping limit; 0 disables clipping. */
  readonly gradClipNorm: number;
}

/** Everything {@link trainClassifier} needs. */
export interface TrainOptions {
  readonly classifier: TrainableClassifier;
  readonly loss: TrainingLoss;
  readonly train: readonly EncodedExample[];
  readonly validation: readonly EncodedExample[];
  /** Labels scored on validation (default: the classifier's labels with a positive validation example). */
  readonly evalLabels?: readonly string[];
  readonly unfreezing: UnfreezingSchedule;
  readonly lrSchedule: LrSchedule;
  readonly optimizer: OptimizerSettings;
  readonly epochs: number;
  readonly batchSize: number;
  /** Examples per validation forward pass (default 64). */
  readonly evalBatchSize?: number;
  /** Seeds data order and dropout: the same seed gives the same run. */
  readonly seed: number;
  /** Stop after this many optimizer steps in total (the current epoch is validated). */
  readonly maxSteps?: number;
  /** Stop after this many epochs without a better validation macro-F1; 0 or absent disables it. */
  readonly earlyStoppingPatience?: number;
  /** Also checkpoint every this many steps inside an epoch (0 or absent: at epoch ends only). */
  readonly checkpointEverySteps?: number;
  /** Log a step record every this many steps (default 10; the last step of an epoch is always logged). */
  readonly logEverySteps?: number;
  /** Also save the model at the end of every epoch as `epoch-<n>/` beside `best-model/` (default false). */
  readonly keepEpochModels?: boolean;
  /**
   * Which model the run keeps (default `best-validation`): the best validation epoch's in `best-model/`, or with
   * `last-epoch` the model after each epoch in `last-model/` (and no `best-model/`); validation still picks
   * `summary.best` and drives early stopping either way.
   */
  readonly modelSelection?: ModelSelection;
  /** Padding token id (default 0). */
  readonly padId?: number;
  /** The run directory: metrics log, checkpoint, best model, summary and report. */
  readonly runDir: string;
  /** Continue from the run directory's checkpoint instead of starting over. */
  readonly resume?: boolean;
  /** Identifies the configuration; a checkpoint written under another fingerprint is refused on resume. */
  readonly fingerprint?: string;
  /**
   * SHA-256 of each data file the run reads (`hashDataFiles`); recorded in the checkpoint, and a resume whose
   * files differ is refused with `DATA_INVALID` naming the file (the row count alone misses an edited file).
   */
  readonly dataFiles?: DataFileDigests;
  /** When the data changed since the checkpoint, start a new run (and say so through `log`) instead of refusing. */
  readonly restartOnDataChange?: boolean;
  /** Receives notices about the run directory (a stale lock taken over, a restart on changed data). */
  readonly log?: (line: string) => void;
  readonly reporter?: TrainReporter;
  /** When aborted, the loop checkpoints after the current step and returns with stop reason `interrupted`. */
  readonly signal?: AbortSignal;
}

/** Names of the files a run directory holds. */
export const RUN_FILES = {
  checkpoint: 'checkpoint.safetensors',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  report: 'report.md',
  curves: 'curves.svg',
  bestModel: BEST_MODEL_DIR,
  lastModel: LAST_MODEL_DIR,
} as const;

/** The training state stored in a checkpoint beside the tensors. */
interface TrainState {
  readonly fingerprint: string;
  /** Absent in checkpoints written before data digests were recorded. */
  readonly dataFiles?: DataFileDigests;
  readonly trainExamples: number;
  readonly stepsPerEpoch: number;
  /** Epoch of the next step (1-based). */
  epoch: number;
  /** Next step inside `epoch`; equal to stepsPerEpoch (or the max-steps cut) when only validation is left. */
  step: number;
  globalStep: number;
  epochLossSum: number;
  epochExamples: number;
  best: { epoch: number; macroF1: number; loss?: number } | null;
  epochsWithoutImprovement: number;
  history: EpochRecord[];
  stopReason: StopReason | null;
  trainSeconds: number;
  metricsLogBytes: number;
  /** Adam step count per variable key (keys with state only). */
  optimizerSteps: Record<string, number>;
}

const count = z.number().int().nonnegative();
const positive = z.number().int().positive();

/**
 * What a fine-tuning checkpoint's state must hold, checked on resume so that a hand-edited or foreign state fails
 * naming its field instead of derailing the loop. Epoch records are checked for what the loop reads of them; their
 * metrics are kept as written (JSON turns a NaN into null, which the summary tolerates).
 */
const trainStateSchema = z.object({
  fingerprint: z.string(),
  dataFiles: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex')).optional(),
  trainExamples: positive,
  stepsPerEpoch: positive,
  epoch: positive,
  step: count,
  globalStep: count,
  epochLossSum: z.number(),
  epochExamples: count,
  best: z.object({ epoch: positive, macroF1: z.number(), loss: z.number().optional() }).nullable(),
  epochsWithoutImprovement: count,
  history: z.array(z.looseObject({ type: z.literal('epoch'), epoch: positive })),
  stopReason: z.enum(['completed', 'early-stopping', 'max-steps', 'interrupted']).nullable(),
  trainSeconds: z.number().nonnegative(),
  metricsLogBytes: count,
  optimizerSteps: z.record(z.string(), positive),
}) as unknown as z.ZodType<TrainState>; // epoch records are loose objects in the schema, EpochRecord in the type

interface KeyedVariable {
  readonly key: string;
  readonly variable: tf.Variable;
  /** Position of the learning-rate group in the model's group list (the head's for the loss's own variables). */
  readonly group: number;
  /** Multiplies the group's rate for this variable (the classifier's `learningRateMultipliers`, else 1). */
  readonly lrMultiplier: number;
}

/**
 * Fine-tunes a classifier: gradual unfreezing, discriminative learning rates, AdamW with gradient clipping,
 * validation every epoch with the model kept by validation macro-F1 or the last epoch's (`modelSelection`), optional
 * early stopping, atomic checkpoints with optimizer state, and exact resumption (data order and dropout depend only
 * on (seed, epoch, step)). Variables the classifier lists in `learningRateMultipliers()` train at their group's rate
 * times their multiplier (the logged rates are the groups').
 *
 * @example
 * ```ts
 * const summary = await trainClassifier({
 *   classifier, loss, train, validation, epochs: 4, batchSize: 32, seed: 42, runDir: 'runs/train',
 *   unfreezing: createUnfreezingRegistry().create('ulmfit', {}, undefined),
 *   lrSchedule: createLrScheduleRegistry().create('warmup-linear-per-epoch', {}, undefined),
 *   optimizer: { baseLr: 3e-5, lrDecay: 2.6, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradClipNorm: 1 },
 * });
 * console.log(summary.best?.macroF1);
 * ```
 */
export async function trainClassifier(options: TrainOptions): Promise<TrainSummary> {
  checkOptions(options);
  registerTfjsGradients();
  mkdirSync(options.runDir, { recursive: true });
  const release = lockRunDir(options.runDir, { log: options.log });
  try {
    return await trainLocked(options);
  } finally {
    release();
  }
}

async function trainLocked(options: TrainOptions): Promise<TrainSummary> {
  const { classifier, loss, train, validation, runDir, reporter = {}, signal } = options;
  const { epochs, batchSize, seed, padId = 0 } = options;
  mkdirSync(runDir, { recursive: true });
  const stepsPerEpoch = Math.ceil(train.length / batchSize);
  const totalSteps = Math.min(epochs * stepsPerEpoch, options.maxSteps ?? Infinity);
  const logEvery = options.logEverySteps ?? 10;
  const checkpointEvery = options.checkpointEverySteps ?? 0;
  const patience = options.earlyStoppingPatience ?? 0;
  const modelSelection = options.modelSelection ?? 'best-validation';
  const evalLabels = options.evalLabels ?? defaultEvalLabels(classifier, validation);
  const groups = orderedGroups(classifier.variablesByGroup());
  const groupNames = groups.map((g) => g.name);
  const rates = groupRates(options.optimizer, groups.length);
  const variables = keyVariables(groups, loss, classifier.learningRateMultipliers?.() ?? new Map());
  const adam = new AdamW(options.optimizer);
  const log = new MetricsLog(join(runDir, RUN_FILES.metrics));
  const checkpointPath = join(runDir, RUN_FILES.checkpoint);
  const fingerprint = options.fingerprint ?? '';

  const resumed = options.resume ? restoreUnlessDataChanged() : undefined;
  const state: TrainState = resumed ?? freshState();
  if (resumed) {
    log.truncate(state.metricsLogBytes);
    recoverBestModel(runDir);
    recoverLastModel(runDir);
    log.append({ type: 'resume', epoch: state.epoch, step: state.step, globalStep: state.globalStep });
  } else {
    const earlier = [RUN_FILES.checkpoint, RUN_FILES.metrics, RUN_FILES.summary, RUN_FILES.report, RUN_FILES.curves, BEST_MODEL_DIR, LAST_MODEL_DIR];
    for (const name of [...earlier, ...epochModelFolders(runDir)]) {
      rmSync(join(runDir, name), { recursive: true, force: true });
    }
  }

  const processStart = performance.now();
  const secondsSoFar = state.trainSeconds;
  const elapsed = () => secondsSoFar + (performance.now() - processStart) / 1000;
  const checkpoint = async () => {
    state.trainSeconds = elapsed();
    await save(checkpointPath, state, variables, adam, log);
    await reporter.onCheckpoint?.({ path: checkpointPath, epoch: state.epoch, step: state.step, globalStep: state.globalStep });
  };

  await reporter.onStart?.({
    epochs,
    stepsPerEpoch,
    totalSteps,
    trainExamples: train.length,
    batchSize,
    layerGroups: groupNames,
    ...(resumed ? { resumedFrom: { epoch: state.epoch, step: state.step, globalStep: state.globalStep } } : {}),
  });

  try {
    while (state.stopReason === null && state.epoch <= epochs) {
      const epoch = state.epoch;
      const epochStart = performance.now();
      const active = activeGroups(options.unfreezing, epoch, groups.length);
      const activeNames = active.map((g) => groupNames[g]!);
      const trainable = variables.filter((v) => v.key.startsWith('loss/') || active.includes(v.group));
      if (trainable.length === 0) {
        throw new MangaAssistError('CONFIG_INVALID', `epoch ${epoch}: the unfreezing schedule trains [${activeNames.join(', ')}], which hold no variables`, {
          epoch,
          groups: activeNames,
        });
      }
      const batches = chunk(permutation(train.length, mixSeed(seed, epoch, 0x0d47a)), batchSize);
      let examplesThisProcess = 0;
      while (state.step < stepsPerEpoch && state.globalStep < totalSteps) {
        const step = state.step;
        const factor = options.lrSchedule.factor({ epoch, step, stepsPerEpoch, globalStep: state.globalStep, totalSteps });
        const batch = makeBatch(
          batches[step]!.map((i) => train[i]!),
          padId,
        );
        let lossValue: number;
        let gradNorm: number;
        try {
          ({ lossValue, gradNorm } = await trainStep(options, batch, trainable, adam, rates, factor, mixSeed(seed, epoch, step, 0xd209)));
        } finally {
          disposeBatch(batch);
        }
        if (!Number.isFinite(lossValue)) {
          throw new Error(`training loss is ${lossValue} at epoch ${epoch} step ${step}; lower optimizer.baseLr or check the data`);
        }
        state.epochLossSum += lossValue * batch.size;
        state.epochExamples += batch.size;
        state.globalStep++;
        state.step = step + 1;
        examplesThisProcess += batch.size;
        const lastOfEpoch = state.step === stepsPerEpoch || state.globalStep === totalSteps;
        const record: StepRecord = {
          type: 'step',
          epoch,
          step,
          globalStep: state.globalStep,
          stepsPerEpoch,
          loss: lossValue,
          gradNorm,
          lr: Object.fromEntries(active.map((g) => [groupNames[g]!, rates[g]! * factor])),
          examplesPerSecond: examplesThisProcess / Math.max(1e-9, (performance.now() - epochStart) / 1000),
        };
        if (state.globalStep % logEvery === 0 || lastOfEpoch) log.append(record);
        await reporter.onStep?.(record);
        if (signal?.aborted) {
          await checkpoint();
          return finish('interrupted');
        }
        if (checkpointEvery > 0 && state.globalStep % checkpointEvery === 0 && !lastOfEpoch) await checkpoint();
        // Lets signal handlers and timers run between steps (the tensor work itself is synchronous).
        await new Promise((resolve) => setImmediate(resolve));
      }

      const evaluation = await evaluateClassifier(classifier, validation, {
        labels: evalLabels,
        batchSize: options.evalBatchSize ?? 64,
        padId,
        loss,
      });
      const improved = isBetterEpoch(evaluation.metrics.macroF1, evaluation.loss, state.best);
      if (improved) {
        if (modelSelection === 'best-validation') await saveBestModel(classifier, runDir);
        state.best = { epoch, macroF1: evaluation.metrics.macroF1, ...(evaluation.loss === undefined ? {} : { loss: evaluation.loss }) };
        state.epochsWithoutImprovement = 0;
      } else {
        state.epochsWithoutImprovement++;
      }
      if (modelSelection === 'last-epoch') await saveLastModel(classifier, runDir);
      if (options.keepEpochModels) await saveEpochModel(classifier, runDir, epoch);
      const record: EpochRecord = {
        type: 'epoch',
        epoch,
        groups: activeNames,
        learningRates: Object.fromEntries(active.map((g) => [groupNames[g]!, rates[g]!])),
        steps: state.step,
        trainLoss: state.epochExamples > 0 ? state.epochLossSum / state.epochExamples : NaN,
        validation: {
          n: evaluation.metrics.n,
          loss: evaluation.loss,
          macroF1: evaluation.metrics.macroF1,
          exactMatch: evaluation.metrics.exactMatch,
          hammingLoss: evaluation.metrics.hammingLoss,
          perLabel: evaluation.metrics.perLabel,
        },
        improved,
        seconds: (performance.now() - epochStart) / 1000,
      };
      log.append(record);
      state.history.push(record);
      await reporter.onEpoch?.(record);
      if (state.globalStep >= totalSteps && totalSteps < epochs * stepsPerEpoch) state.stopReason = 'max-steps';
      else if (epoch === epochs) state.stopReason = 'completed';
      else if (patience > 0 && state.epochsWithoutImprovement >= patience) state.stopReason = 'early-stopping';
      state.epoch = epoch + 1;
      state.step = 0;
      state.epochLossSum = 0;
      state.epochExamples = 0;
      await checkpoint();
    }
    return finish(state.stopReason ?? 'completed');
  } finally {
    adam.dispose();
  }

  function restoreUnlessDataChanged(): TrainState | undefined {
    try {
      return restore(checkpointPath, variables, adam, {
        fingerprint,
        trainExamples: train.length,
        stepsPerEpoch,
        dataFiles: options.dataFiles,
        restartOnDataChange: options.restartOnDataChange ?? false,
      });
    } catch (error) {
      if (!(error instanceof DataChangedRestart)) throw error;
      options.log?.(`${error.file} changed since the checkpoint in ${runDir}: starting a new run instead of resuming (restart on data change)`);
      return undefined;
    }
  }

  function freshState(): TrainState {
    return {
      fingerprint,
      ...(options.dataFiles ? { dataFiles: options.dataFiles } : {}),
      trainExamples: train.length,
      stepsPerEpoch,
      epoch: 1,
      step: 0,
      globalStep: 0,
      epochLossSum: 0,
      epochExamples: 0,
      best: null,
      epochsWithoutImprovement: 0,
      history: [],
      stopReason: null,
      trainSeconds: 0,
      metricsLogBytes: 0,
      optimizerSteps: {},
    };
  }

  async function finish(stopReason: StopReason): Promise<TrainSummary> {
    const bestRecord = state.best ? state.history.find((r) => r.epoch === state.best!.epoch) : undefined;
    const bestModelDir = state.best && existsSync(join(runDir, BEST_MODEL_DIR)) ? join(runDir, BEST_MODEL_DIR) : null;
    const lastModelDir = state.history.length > 0 && existsSync(join(runDir, LAST_MODEL_DIR)) ? join(runDir, LAST_MODEL_DIR) : null;
    const summary: TrainSummary = {
      runDir,
      stopReason,
      epochs: state.history.length,
      globalStep: state.globalStep,
      trainExamples: train.length,
      validationExamples: validation.length,
      evalLabels: [...evalLabels],
      layerGroups: groupNames,
      best: state.best && bestRecord ? { epoch: state.best.epoch, macroF1: state.best.macroF1, record: bestRecord } : null,
      trainSeconds: elapsed(),
      history: state.history,
      bestModelDir,
      modelSelection,
      modelDir: modelSelection === 'last-epoch' ? lastModelDir : bestModelDir,
    };
    atomicWriteFile(join(runDir, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
    writeReport(runDir, summary, MetricsLog.read(log.path));
    await reporter.onEnd?.(summary);
    return summary;
  }
}

/** One optimizer step on `batch`; gradients are computed for the trainable variables only. */
async function trainStep(
  options: TrainOptions,
  batch: ReturnType<typeof makeBatch>,
  trainable: readonly KeyedVariable[],
  adam: AdamW,
  rates: readonly number[],
  factor: number,
  dropoutSeed: number,
): Promise<{ lossValue: number; gradNorm: number }> {
  const { classifier, loss } = options;
  const { loss: lossValue, gradNorm } = await optimizerStep(
    () => {
      const logits = classifier.apply(batch.inputIds, batch.attentionMask, { training: true, seed: dropoutSeed });
      const value = loss.compute(logits, batch.targets, batch.lossMask);
      if (value.rank !== 0) {
        throw new RangeError(`the loss must reduce to a scalar (reduction "mean" or "sum"), got shape [${value.shape}]`);
      }
      return value as tf.Scalar;
    },
    trainable.map((v) => ({ variable: v.variable, lr: rates[v.group]! * factor * v.lrMultiplier })),
    adam,
    options.optimizer.gradClipNorm,
  );
  return { lossValue, gradNorm };
}

/**
 * Stable checkpoint keys: the model's variables by group name and position, then the loss's (trained with the last
 * group, the head); each with its learning-rate multiplier (`multipliers` by variable name, 1 when absent).
 */
function keyVariables(groups: readonly LayerGroup[], loss: TrainingLoss, multipliers: ReadonlyMap<string, number>): KeyedVariable[] {
  const keyed: KeyedVariable[] = [];
  const multiplier = (variable: tf.Variable) => multipliers.get(variable.name) ?? 1;
  groups.forEach(({ name, variables }, group) => {
    variables.forEach((variable, i) => keyed.push({ key: `model/${name}/${i}`, variable, group, lrMultiplier: multiplier(variable) }));
  });
  const head = groups.length - 1;
  loss.trainableVariables().forEach((variable, i) => keyed.push({ key: `loss/${i}`, variable, group: head, lrMultiplier: 1 }));
  const names = new Set<string>();
  for (const { variable } of keyed) {
    if (names.has(variable.name)) throw new RangeError(`variable ${variable.name} is listed twice (each variable must be in one group)`);
    names.add(variable.name);
  }
  const modelNames = new Set(keyed.filter((k) => k.key.startsWith('model/')).map((k) => k.variable.name));
  for (const [name, value] of multipliers) {
    if (!modelNames.has(name)) throw new RangeError(`learningRateMultipliers names ${name}, which is not one of the classifier's trainable variables`);
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`learning-rate multiplier of ${name} must be a finite number > 0, got ${value}`);
  }
  return keyed;
}

/** Each group's peak rate, first to last: the (low, high) pair when given, else the head's rate decayed per group. */
function groupRates(optimizer: OptimizerSettings, groupCount: number): number[] {
  return optimizer.lrRange
    ? spreadRates(optimizer.lrRange[0], optimizer.lrRange[1], groupCount)
    : discriminativeRates(optimizer.baseLr, optimizer.lrDecay, groupCount);
}

/**
 * The groups a schedule trains in `epoch`, checked and ordered from the top (the head first), as the epoch records
 * list them.
 */
function activeGroups(schedule: UnfreezingSchedule, epoch: number, groupCount: number): number[] {
  const indices = schedule.groupsAt(epoch, groupCount);
  for (const index of indices) {
    if (!Number.isSafeInteger(index) || index < 0 || index >= groupCount) {
      throw new RangeError(`epoch ${epoch}: the unfreezing schedule returned group ${index}, but the model has groups 0..${groupCount - 1}`);
    }
  }
  return [...new Set(indices)].sort((a, b) => b - a);
}

async function save(path: string, state: TrainState, variables: readonly KeyedVariable[], adam: AdamW, log: MetricsLog): Promise<void> {
  state.metricsLogBytes = log.size();
  await saveTrainingCheckpoint(path, state, variables, adam);
}

function restore(
  path: string,
  variables: readonly KeyedVariable[],
  adam: AdamW,
  expected: { fingerprint: string; trainExamples: number; stepsPerEpoch: number; dataFiles: DataFileDigests | undefined; restartOnDataChange: boolean },
): TrainState {
  return restoreTrainingCheckpoint<TrainState>(path, variables, adam, (state) => {
    if (state.fingerprint !== expected.fingerprint) {
      return 'was written by a different configuration (fingerprint mismatch); resume with the run\'s own config.json or start a new run';
    }
    // Before the row count: an edited file often keeps it, and the file's name is what the user needs.
    checkDataUnchanged(path, state.dataFiles, expected.dataFiles, expected.restartOnDataChange);
    if (state.trainExamples !== expected.trainExamples || state.stepsPerEpoch !== expected.stepsPerEpoch) {
      return (
        `was written for ${state.trainExamples} training examples in ${state.stepsPerEpoch} steps per epoch, ` +
        `but this run has ${expected.trainExamples} in ${expected.stepsPerEpoch}`
      );
    }
    return undefined;
  }, trainStateSchema);
}

/**
 * Whether an epoch's validation beats the best so far: a higher macro-F1 wins; on a tie (early epochs often predict
 * no label at 0.5 and all score 0) the lower validation loss does, so the kept model is the one that learnt most.
 *
 * @example
 * ```ts
 * isBetterEpoch(0, 0.35, { macroF1: 0, loss: 0.41 }); // true
 * ```
 */
export function isBetterEpoch(macroF1: number, loss: number | undefined, best: { macroF1: number; loss?: number } | null): boolean {
  if (best === null || macroF1 > best.macroF1) return true;
  return macroF1 === best.macroF1 && loss !== undefined && best.loss !== undefined && loss < best.loss;
}

function defaultEvalLabels(classifier: TrainableClassifier, validation: readonly EncodedExample[]): string[] {
  const present = labelsPresent(
    validation.map((e) => e.targets),
    classifier.labels,
  );
  return present.length > 0 ? present : [...classifier.labels];
}

function checkOptions(options: TrainOptions): void {
  checkInteger('epochs', options.epochs, 1);
  checkInteger('batchSize', options.batchSize, 1);
  checkInteger('evalBatchSize', options.evalBatchSize, 1);
  checkInteger('maxSteps', options.maxSteps, 1);
  checkInteger('earlyStoppingPatience', options.earlyStoppingPatience, 0);
  checkInteger('checkpointEverySteps', options.checkpointEverySteps, 0);
  checkInteger('logEverySteps', options.logEverySteps, 1);
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  if (options.train.length === 0) throw new RangeError('train must hold at least one example');
  if (options.validation.length === 0) throw new RangeError('validation must hold at least one example');
  const width = options.classifier.labels.length;
  for (const [name, examples] of [['train', options.train], ['validation', options.validation]] as const) {
    const bad = examples.findIndex((e) => e.targets.length !== width);
    if (bad >= 0) throw new RangeError(`${name}[${bad}] has ${examples[bad]!.targets.length} targets but the classifier has ${width} labels`);
  }
}
