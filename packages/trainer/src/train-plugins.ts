import {
  MangaAssistError,
  readConfigFile,
  parseConfig,
  registerPluginPackages,
  trainJobConfigSchema,
  type LoadedPluginPackage,
  type PluginRegistries,
  type PluginRegistry,
  type TrainJobConfig,
} from '@mangaassist/common';
import { createLossRegistry, type LossRegistry } from '@mangaassist/losses';
import type { LrSchedule } from './lr-schedule';
import { createLrScheduleRegistry, createUnfreezingRegistry } from './registries';
import type { UnfreezingSchedule } from './unfreezing-schedule';

/**
 * The three plugin families a training job selects from (`loss`, `schedule.unfreezing`, `schedule.lr`), keyed as a
 * plugin package's manifest names them, so that it can be handed to `registerPluginPackages` as it is.
 */
export interface TrainPlugins {
  readonly losses: LossRegistry;
  readonly unfreezingSchedules: PluginRegistry<void, UnfreezingSchedule>;
  readonly lrSchedules: PluginRegistry<void, LrSchedule>;
}

/**
 * Fresh registries holding the built-in losses and schedules; register more on them (or let
 * {@link loadTrainJobConfig} register a config's plugin packages).
 *
 * @example
 * ```ts
 * const plugins = createTrainPlugins();
 * plugins.losses.register(myLoss);
 * await runTrainJob(config, { plugins });
 * ```
 */
export function createTrainPlugins(): TrainPlugins {
  return { losses: createLossRegistry(), unfreezingSchedules: createUnfreezingRegistry(), lrSchedules: createLrScheduleRegistry() };
}

/** A parsed job file with the plugin packages it brought. */
export interface LoadedTrainJob {
  readonly config: TrainJobConfig;
  readonly plugins: readonly LoadedPluginPackage[];
}

/**
 * Reads a training job file (YAML or JSON, `MANGAASSIST_CFG__*` overrides applied), validates it, registers the
 * plugin packages its `plugins` field lists on `registries` (resolved from the file's directory, then the project),
 * and checks that every plugin id the file selects is registered, so that a third-party `loss.id` works like a
 * built-in one and a typo fails before any data is read.
 *
 * @param registries - at least the training families; a host that also offers `thresholdStrategies` or
 *   `thresholdStores` gets those registered too
 * @throws MangaAssistError `CONFIG_INVALID` for a bad file; `PLUGIN_LOAD_FAILED` for a package that cannot be loaded
 *   or exports no descriptors; `PLUGIN_UNKNOWN` naming the file, the field and every known id (plugins included)
 *
 * @example
 * ```ts
 * const plugins = createTrainPlugins();
 * const { config } = loadTrainJobConfig('configs/job.yaml', plugins); // plugins: ["@acme/mangaassist-losses"]
 * await runTrainJob(config, { plugins });
 * ```
 */
export function loadTrainJobConfig(
  file: string,
  registries: TrainPlugins & PluginRegistries,
  env: NodeJS.ProcessEnv = process.env,
): LoadedTrainJob {
  const config = parseConfig(trainJobConfigSchema, readConfigFile(file, env), file);
  const plugins = registerPluginPackages(config.plugins ?? [], registries, { configFile: file });
  const selections: [string, PluginRegistry<never, unknown>, string][] = [
    ['loss.id', registries.losses, config.loss.id],
    ['schedule.unfreezing.id', registries.unfreezingSchedules, config.schedule.unfreezing.id],
    ['schedule.lr.id', registries.lrSchedules, config.schedule.lr.id],
  ];
  if (registries.thresholdStrategies) selections.push(['thresholds.strategy.id', registries.thresholdStrategies, config.thresholds.strategy.id]);
  if (registries.thresholdStores) selections.push(['thresholds.store.id', registries.thresholdStores, config.thresholds.store.id]);
  for (const [field, registry, id] of selections) {
    if (registry.has(id)) continue;
    const from = plugins.length > 0 ? ` (with ${plugins.map((p) => p.name).join(', ')})` : '; a plugin package listed under plugins can add more';
    throw new MangaAssistError(
      'PLUGIN_UNKNOWN',
      `${file}: ${field}: unknown ${registry.kind} plugin "${id}"; known: ${registry.ids().join(', ') || '(none registered)'}${from}`,
      { file, field, id, known: registry.ids() },
    );
  }
  return { config, plugins };
}
