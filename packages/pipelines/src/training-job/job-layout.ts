import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';

/**
 * Where the managed training-job container contract puts everything, unless `MANGAASSIST_ML_ROOT` moves it.
 *
 * @example
 * ```ts
 * const root = process.env[ML_ROOT_ENV] || DEFAULT_ML_ROOT;
 * ```
 */
export const DEFAULT_ML_ROOT = '/opt/ml';

/**
 * Environment variable that moves the contract's root (`/opt/ml`), for tests and local runs.
 *
 * @example
 * ```ts
 * const layout = resolveJobLayout({ ...process.env, [ML_ROOT_ENV]: '/tmp/job' });
 * ```
 */
export const ML_ROOT_ENV = 'MANGAASSIST_ML_ROOT';

/**
 * The input channels the job reads: `train` (required: one or more data files), `validation` (optional: one data
 * file; without it a stratified share of the training data is held out), `pretrained` (optional: a Hugging Face
 * encoder directory, for jobs that cannot reach the hub) and `config` (optional: one YAML/JSON training job file that
 * hyperparameters override).
 *
 * @example
 * ```ts
 * process.stderr.write(`channels: ${CHANNELS.join(', ')}\n`);
 * ```
 */
export const CHANNELS = ['train', 'validation', 'pretrained', 'config'] as const;

/**
 * One of {@link CHANNELS}.
 *
 * @example
 * ```ts
 * const files = channelDataFiles('train' satisfies Channel, '/opt/ml/input/data/train');
 * ```
 */
export type Channel = (typeof CHANNELS)[number];

/**
 * Extensions of the data files a `train` or `validation` channel may hold; other files are left alone.
 *
 * @example
 * ```ts
 * const isData = (DATA_FILE_EXTENSIONS as readonly string[]).includes(extname(file));
 * ```
 */
export const DATA_FILE_EXTENSIONS = ['.jsonl', '.ndjson', '.csv', '.tsv'] as const;

/** Extensions of a `config` channel's job file. */
const CONFIG_FILE_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * The contract's paths for one job, resolved from the environment.
 *
 * @example
 * ```ts
 * const layout: JobLayout = resolveJobLayout(process.env);
 * console.log(layout.channels.train, layout.modelDir, layout.outputDataDir);
 * ```
 */
export interface JobLayout {
  readonly root: string;
  /** Present channels: their directories. */
  readonly channels: Readonly<Partial<Record<Channel, string>>>;
  readonly hyperparametersFile: string;
  /** What the platform packs as the model artifact (`SM_MODEL_DIR`). */
  readonly modelDir: string;
  /** The output folder; `failure` here says why a job failed. */
  readonly outputDir: string;
  /** Extra results packed beside the model (`SM_OUTPUT_DATA_DIR`): summary, metrics, report. */
  readonly outputDataDir: string;
  /** Checkpoints (kept across a restarted job where the platform syncs this folder): the run directory lives here. */
  readonly checkpointDir: string;
  /** Channels given (folders under `input/data`, `SM_CHANNEL_*` variables) that this job does not read. */
  readonly unknownChannels: readonly string[];
}

/**
 * Resolves the container contract's paths: the root is `MANGAASSIST_ML_ROOT` or `/opt/ml`; channel `<name>` is
 * `SM_CHANNEL_<NAME>` when set, else `<root>/input/data/<name>` when that folder exists; the model directory is
 * `SM_MODEL_DIR` or `<root>/model`; the output data directory `SM_OUTPUT_DATA_DIR` or `<root>/output/data`.
 *
 * @throws MangaAssistError `NOT_FOUND` when `SM_CHANNEL_<NAME>` names a folder that does not exist
 *
 * @example
 * ```ts
 * const layout = resolveJobLayout(process.env);
 * layout.channels.train; // '/opt/ml/input/data/train'
 * ```
 */
export function resolveJobLayout(env: NodeJS.ProcessEnv): JobLayout {
  const root = env[ML_ROOT_ENV] || DEFAULT_ML_ROOT;
  const channels: Partial<Record<Channel, string>> = {};
  for (const channel of CHANNELS) {
    const variable = `SM_CHANNEL_${channel.toUpperCase()}`;
    const fromEnv = env[variable];
    if (fromEnv) {
      if (!isDirectory(fromEnv)) throw new MangaAssistError('NOT_FOUND', `${variable} names ${fromEnv}, which is not a folder`, { field: variable, path: fromEnv });
      channels[channel] = fromEnv;
      continue;
    }
    const dir = join(root, 'input', 'data', channel);
    if (isDirectory(dir)) channels[channel] = dir;
  }
  const known = new Set<string>(CHANNELS);
  const dataDir = join(root, 'input', 'data');
  const given = [
    ...Object.keys(env)
      .filter((key) => key.startsWith('SM_CHANNEL_') && env[key])
      .map((key) => key.slice('SM_CHANNEL_'.length).toLowerCase()),
    ...(isDirectory(dataDir) ? readdirSync(dataDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : []),
  ];
  const outputDir = join(root, 'output');
  return {
    unknownChannels: [...new Set(given.filter((name) => !known.has(name)))].sort(),
    root,
    channels,
    hyperparametersFile: join(root, 'input', 'config', 'hyperparameters.json'),
    modelDir: env.SM_MODEL_DIR || join(root, 'model'),
    outputDir,
    outputDataDir: env.SM_OUTPUT_DATA_DIR || join(outputDir, 'data'),
    checkpointDir: join(root, 'checkpoints'),
  };
}

/**
 * The data files of a channel folder (recursively, sorted by path): files whose extension is one of
 * {@link DATA_FILE_EXTENSIONS}. The platform may add its own files (manifests, hidden files); those are skipped.
 *
 * @throws MangaAssistError `DATA_INVALID` naming the channel and its folder when it holds no data file
 *
 * @example
 * ```ts
 * channelDataFiles('train', '/opt/ml/input/data/train'); // ['/opt/ml/input/data/train/part-0.jsonl', …]
 * ```
 */
export function channelDataFiles(channel: Channel, dir: string): string[] {
  const files = listFiles(dir).filter((file) => (DATA_FILE_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase()));
  if (files.length === 0) {
    throw new MangaAssistError('DATA_INVALID', `channel ${channel} (${dir}) holds no data file (${DATA_FILE_EXTENSIONS.join(', ')})`, { channel, dir });
  }
  return files;
}

/**
 * The one training job file of the `config` channel.
 *
 * @throws MangaAssistError `CONFIG_INVALID` when the channel holds no YAML/JSON file or more than one
 *
 * @example
 * ```ts
 * channelConfigFile('/opt/ml/input/data/config'); // '/opt/ml/input/data/config/job.yaml'
 * ```
 */
export function channelConfigFile(dir: string): string {
  const files = listFiles(dir).filter((file) => CONFIG_FILE_EXTENSIONS.includes(extname(file).toLowerCase()));
  if (files.length !== 1) {
    throw new MangaAssistError(
      'CONFIG_INVALID',
      `channel config (${dir}) must hold exactly one job file (${CONFIG_FILE_EXTENSIONS.join(', ')}); found ${files.length === 0 ? 'none' : files.join(', ')}`,
      { channel: 'config', dir, files },
    );
  }
  return files[0]!;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
