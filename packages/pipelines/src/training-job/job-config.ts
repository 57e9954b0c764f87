import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMangaAssistError, MangaAssistError, readConfigFile, type PluginRegistries, type TrainJobConfig } from '@mangaassist/common';
import { loadTrainJobConfig, type TrainPlugins } from '@mangaassist/trainer';
import { mapHyperparameters, setConfigField } from './hyperparameters';
import { channelConfigFile, channelDataFiles, type JobLayout } from './job-layout';

/**
 * Name of the resolved job configuration written to the output data folder before it is validated.
 *
 * @example
 * ```ts
 * const resolved = join(layout.outputDataDir, JOB_CONFIG_FILE);
 * ```
 */
export const JOB_CONFIG_FILE = 'job-config.json';

/**
 * The plugin registries a training job's configuration is checked against (losses, schedules) and that its plugin
 * packages register into.
 *
 * @example
 * ```ts
 * const plugins: TrainingJobPlugins = { ...createTrainPlugins(), ...createThresholdPlugins() };
 * ```
 */
export type TrainingJobPlugins = TrainPlugins & PluginRegistries;

/**
 * A training job configuration built from the container contract.
 *
 * @example
 * ```ts
 * const { config, origin, file }: ContractJobConfig = buildContractJobConfig(layout, plugins, process.env);
 * ```
 */
export interface ContractJobConfig {
  readonly config: TrainJobConfig;
  /** Job-config field → the hyperparameter that set it. */
  readonly origin: ReadonlyMap<string, string>;
  /** The resolved configuration's file (in the output data folder). */
  readonly file: string;
}

/**
 * Builds the training job configuration the contract describes: the `config` channel's job file when there is one
 * (else the defaults), then the hyperparameters (see `HYPERPARAMETERS`), then the channels: `train` and
 * `validation` files replace `data.train`/`data.validation` (keeping the file's other per-source options, such as
 * columns), `pretrained` sets `model.pretrained`, and the run directory is `<checkpoints>/run`. The result is written
 * to the output data folder and loaded from there like any job file (`MANGAASSIST_CFG__*` overrides, plugin packages,
 * plugin ids), so an invalid value is reported with its field and, where a hyperparameter set it, that
 * hyperparameter's name.
 *
 * @throws MangaAssistError `DATA_INVALID` without a `train` channel; `CONFIG_INVALID` for bad hyperparameters or a
 *   configuration they make invalid; `PLUGIN_UNKNOWN` for an unknown loss or schedule id
 *
 * @example
 * ```ts
 * const { config } = buildContractJobConfig(resolveJobLayout(process.env), plugins, process.env);
 * ```
 */
export function buildContractJobConfig(layout: JobLayout, plugins: TrainingJobPlugins, env: NodeJS.ProcessEnv): ContractJobConfig {
  const { channels } = layout;
  if (!channels.train) {
    throw new MangaAssistError(
      'DATA_INVALID',
      `no training data: the job needs a train channel (SM_CHANNEL_TRAIN, or files under ${join(layout.root, 'input', 'data', 'train')})`,
      { channel: 'train' },
    );
  }
  const hyperparameters = existsSync(layout.hyperparametersFile) ? readHyperparameters(layout.hyperparametersFile) : {};
  const mapped = mapHyperparameters(hyperparameters, layout.hyperparametersFile);
  // The job file's own fields come first; environment overrides are applied last, by loadTrainJobConfig.
  const baseFile = channels.config ? channelConfigFile(channels.config) : undefined;
  const raw = (baseFile ? readConfigFile(baseFile, {}) : {}) as Record<string, unknown>;
  // The resolved file is written elsewhere: plugin paths relative to the job file are made absolute first.
  if (baseFile && Array.isArray(raw.plugins)) {
    raw.plugins = raw.plugins.map((name: unknown) => (typeof name === 'string' && /^\.\.?\//.test(name) ? resolve(dirname(baseFile), name) : name));
  }
  for (const [field, value] of mapped.fields) setConfigField(raw, field, value);

  const data = (raw.data ?? {}) as Record<string, unknown>;
  const format = mapped.dataFormat !== undefined ? { format: mapped.dataFormat } : {};
  // A single source in the job file lends its other options (columns, labels, weight) to every channel file.
  const trainOptions = sourceOptions(data.train);
  const trainFiles = channelDataFiles('train', channels.train).map((path) => ({ ...trainOptions, ...format, path }));
  setConfigField(raw, 'data.train', trainFiles.length === 1 ? trainFiles[0] : trainFiles);
  if (channels.validation) {
    const files = channelDataFiles('validation', channels.validation);
    if (files.length > 1) {
      throw new MangaAssistError('DATA_INVALID', `channel validation (${channels.validation}) must hold one data file; found ${files.join(', ')}`, {
        channel: 'validation',
        files,
      });
    }
    setConfigField(raw, 'data.validation', { ...sourceOptions(data.validation), ...format, path: files[0] });
  }
  const origin = new Map(mapped.origin);
  if (channels.pretrained) {
    const byHyperparameter = mapped.origin.get('model.pretrained');
    if (byHyperparameter) {
      throw new MangaAssistError('CONFIG_INVALID', `hyperparameter ${byHyperparameter} and the pretrained channel both choose the encoder; give one of them`, {
        field: byHyperparameter,
      });
    }
    setConfigField(raw, 'model.pretrained', channels.pretrained);
  }
  setConfigField(raw, 'training.outDir', join(layout.checkpointDir, 'run'));

  mkdirSync(layout.outputDataDir, { recursive: true });
  const file = join(layout.outputDataDir, JOB_CONFIG_FILE);
  writeFileSync(file, `${JSON.stringify(raw, null, 2)}\n`);
  try {
    const { config } = loadTrainJobConfig(file, plugins, env);
    // Loss options (gamma, label_weights) are checked now rather than after the data is read.
    plugins.losses.parseOptions(config.loss.id, config.loss.options);
    return { config, origin, file };
  } catch (error) {
    throw nameHyperparameters(error, origin);
  }
}

/**
 * Adds to an error's message which hyperparameters set the fields it names (`schedule.epochs` → `num_epochs`), so
 * that whoever launched the job sees the name they used. Other errors pass through unchanged.
 *
 * @example
 * ```ts
 * throw nameHyperparameters(error, new Map([['schedule.epochs', 'num_epochs']]));
 * ```
 */
export function nameHyperparameters(error: unknown, origin: ReadonlyMap<string, string>): unknown {
  if (!isMangaAssistError(error)) return error;
  // A loss's own option errors name `loss[<id>].options.<name>`, not `loss.options.<name>`.
  const named = [...origin].filter(([field]) => error.message.includes(field) || (field.startsWith('loss.options.') && error.message.includes(field.slice('loss'.length))));
  if (named.length === 0) return error;
  const note = named.map(([field, name]) => `${field} is set by hyperparameter ${name}`).join('; ');
  return new MangaAssistError(error.code, `${error.message}\n(${note})`, { ...error.details, hyperparameters: Object.fromEntries(named) }, { cause: error });
}

function readHyperparameters(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (cause) {
    throw new MangaAssistError('CONFIG_READ_FAILED', `cannot read ${file}: ${(cause as Error).message}`, { file }, { cause });
  }
}

/** The per-source options of a job file's single `data.train`/`data.validation` entry, without its path. */
function sourceOptions(source: unknown): Record<string, unknown> {
  if (source === null || typeof source !== 'object' || Array.isArray(source)) return {};
  const { path: _path, ...options } = source as Record<string, unknown>;
  return options;
}
