import type { LossRegistry } from '@mangaassist/losses';
import type { ThresholdPlugins, ThresholdStoreRegistry, ThresholdStrategyRegistry } from '@mangaassist/thresholds';
import type { TrainPlugins } from '@mangaassist/trainer';
import type { InjectionToken } from 'tsyringe';
import type { selectTrainingBackend } from './commands/training-run';

// Interfaces are erased at run time, so the container keys them by these tokens.

/** Every plugin family of the CLI: what a job file's `plugins` packages are registered on. */
export type CliPlugins = TrainPlugins & ThresholdPlugins;

/** The loss plugins (`loss.id`). */
export const LOSSES: InjectionToken<LossRegistry> = Symbol('LossRegistry');
/** The unfreezing schedules (`schedule.unfreezing.id`). */
export const UNFREEZING_SCHEDULES: InjectionToken<TrainPlugins['unfreezingSchedules']> = Symbol('UnfreezingScheduleRegistry');
/** The learning-rate schedules (`schedule.lr.id`). */
export const LR_SCHEDULES: InjectionToken<TrainPlugins['lrSchedules']> = Symbol('LrScheduleRegistry');
/** The threshold strategies (`calibrate --strategy`, `thresholds.strategy.id`). */
export const THRESHOLD_STRATEGIES: InjectionToken<ThresholdStrategyRegistry> = Symbol('ThresholdStrategyRegistry');
/** The threshold stores (`calibrate --store`, `thresholds.store.id`). */
export const THRESHOLD_STORES: InjectionToken<ThresholdStoreRegistry> = Symbol('ThresholdStoreRegistry');
/** The five registries above as one object. */
export const PLUGINS: InjectionToken<CliPlugins> = Symbol('CliPlugins');
/** Selects the TensorFlow.js backend a training command asked for (the runtime the commands train on). */
export const TRAINING_BACKEND: InjectionToken<typeof selectTrainingBackend> = Symbol('TrainingBackend');
