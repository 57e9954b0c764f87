import { MangaAssistError } from '@mangaassist/common';

/**
 * The `config.json` key naming the model: the id the threshold store keys its per-label thresholds by, and the id
 * the serving API reports. It lives in the model's own metadata, so that copying or renaming the directory does not
 * change which thresholds apply (a directory name is a deployment detail, not an identity). Export copies it, like
 * every other key of the source `config.json`.
 */
export const MODEL_ID_CONFIG_KEY = 'mangaassist_model_id';

/**
 * The model id recorded in a parsed `config.json` (`mangaassist_model_id`), or `undefined` when the config has none.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming `file` and the field when the value is not a non-empty string
 *   without surrounding white space
 *
 * @example
 * ```ts
 * modelIdFromConfig({ mangaassist_model_id: 'manga-v3' }, 'runs/m/config.json'); // 'manga-v3'
 * modelIdFromConfig({}, 'runs/m/config.json'); // undefined
 * ```
 */
export function modelIdFromConfig(config: Readonly<Record<string, unknown>>, file: string): string | undefined {
  const value = config[MODEL_ID_CONFIG_KEY];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.trim() !== value) {
    throw new MangaAssistError(
      'CHECKPOINT_INVALID',
      `${file}: "${MODEL_ID_CONFIG_KEY}" must be a non-empty string without surrounding spaces; got ${JSON.stringify(value)}`,
      { file, field: MODEL_ID_CONFIG_KEY },
    );
  }
  return value;
}
