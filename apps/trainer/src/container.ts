import 'reflect-metadata';
import { createLossRegistry, type LossRegistry } from '@mangaassist/losses';
import { createThresholdStoreRegistry, createThresholdStrategyRegistry, type ThresholdStoreRegistry, type ThresholdStrategyRegistry } from '@mangaassist/thresholds';
import { createLrScheduleRegistry, createUnfreezingRegistry, type TrainPlugins } from '@mangaassist/trainer';
import { container, inject, injectable, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { selectTrainingBackend } from './commands/training-run';
import {
  LOSSES,
  LR_SCHEDULES,
  PLUGINS,
  THRESHOLD_STORES,
  THRESHOLD_STRATEGIES,
  TRAINING_BACKEND,
  UNFREEZING_SCHEDULES,
  type CliPlugins,
} from './tokens';

/** The registries of one CLI process, injected by token: a job file's plugin packages are registered on them. */
@injectable()
export class CliPluginRegistries implements CliPlugins {
  constructor(
    @inject(LOSSES) readonly losses: LossRegistry,
    @inject(UNFREEZING_SCHEDULES) readonly unfreezingSchedules: TrainPlugins['unfreezingSchedules'],
    @inject(LR_SCHEDULES) readonly lrSchedules: TrainPlugins['lrSchedules'],
    @inject(THRESHOLD_STRATEGIES) readonly thresholdStrategies: ThresholdStrategyRegistry,
    @inject(THRESHOLD_STORES) readonly thresholdStores: ThresholdStoreRegistry,
  ) {}
}

/**
 * The CLI's composition root: the plugin registries (built-ins; a job file's `plugins` packages are registered on
 * them), the object holding all five, and the TensorFlow.js backend selection. Commands resolve what they use from
 * it. Returns a child container so that tests can override registrations without touching the global one; each call
 * gets its own registries.
 *
 * @example
 * ```ts
 * const c = createContainer();
 * c.resolve(LOSSES).register(myLoss); // `train` and `losses` now know it
 * await buildProgram(c).parseAsync(process.argv);
 * ```
 */
export function createContainer(): DependencyContainer {
  const c = container.createChildContainer();
  c.register(LOSSES, { useFactory: instanceCachingFactory(() => createLossRegistry()) });
  c.register(UNFREEZING_SCHEDULES, { useFactory: instanceCachingFactory(() => createUnfreezingRegistry()) });
  c.register(LR_SCHEDULES, { useFactory: instanceCachingFactory(() => createLrScheduleRegistry()) });
  c.register(THRESHOLD_STRATEGIES, { useFactory: instanceCachingFactory(() => createThresholdStrategyRegistry()) });
  c.register(THRESHOLD_STORES, { useFactory: instanceCachingFactory(() => createThresholdStoreRegistry()) });
  c.register(PLUGINS, { useFactory: instanceCachingFactory((r) => r.resolve(CliPluginRegistries)) });
  c.register(TRAINING_BACKEND, { useValue: selectTrainingBackend });
  return c;
}
