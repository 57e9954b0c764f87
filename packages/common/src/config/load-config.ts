import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { MangaAssistError } from '../errors';
import { describeZodIssues, formatProblems } from '../zod-issues';
import { applyEnvOverrides } from './env-overrides';

/**
 * Validates a raw configuration object against `schema`. On failure throws `CONFIG_INVALID` listing every bad path
 * with what was expected (allowed values for enums), and `source` (a file name) in the message.
 *
 * @example
 * ```ts
 * const cfg = parseConfig(trainJobConfigSchema, { data: { train: { path: 'train.jsonl' } } });
 * ```
 */
export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, source = 'configuration'): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = describeZodIssues(result.error.issues);
  throw new MangaAssistError(
    'CONFIG_INVALID',
    `${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}`,
    { source, problems },
  );
}

/**
 * Reads a YAML or JSON configuration file and applies `MANGAASSIST_CFG__*` environment overrides, without validating
 * (for callers that merge command-line options in before {@link parseConfig}).
 *
 * @throws MangaAssistError `CONFIG_READ_FAILED` naming the file when it cannot be read or parsed
 *
 * @example
 * ```ts
 * const raw = readConfigFile('configs/dapt.yaml') as Record<string, unknown>;
 * const cfg = parseConfig(pretrainMlmConfigSchema, { ...raw, training: { ...(raw.training as object), maxSteps: 10 } }, 'configs/dapt.yaml');
 * ```
 */
export function readConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new MangaAssistError('CONFIG_READ_FAILED', `cannot read config file ${file}: ${(cause as Error).message}`, { file }, { cause });
  }
  let raw: unknown;
  try {
    raw = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (cause) {
    throw new MangaAssistError('CONFIG_READ_FAILED', `cannot parse config file ${file}: ${(cause as Error).message}`, { file }, { cause });
  }
  return applyEnvOverrides(raw ?? {}, env);
}

/**
 * Reads a YAML or JSON configuration file, applies `MANGAASSIST_CFG__*` environment overrides and validates it.
 *
 * @example
 * ```ts
 * const cfg = loadConfigFile(trainJobConfigSchema, 'configs/quickstart.yaml');
 * ```
 */
export function loadConfigFile<S extends z.ZodType>(
  schema: S,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  return parseConfig(schema, readConfigFile(file, env), file);
}
