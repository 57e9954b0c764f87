import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Environment variable that points at the shared assets folder (models, fixtures, data). */
export const SHARED_DIR_ENV = 'MANGAASSIST_SHARED_DIR';

/**
 * The folder with shared read-only assets: `$MANGAASSIST_SHARED_DIR`, else `../shared` beside the repository root.
 * `repoRoot` defaults to the current working directory.
 *
 * @example
 * ```ts
 * const vocab = join(sharedDir(), 'models/bert-base-uncased/vocab.txt');
 * ```
 */
export function sharedDir(repoRoot: string = process.cwd()): string {
  return resolve(process.env[SHARED_DIR_ENV] ?? join(repoRoot, '..', 'shared'));
}

/**
 * Path of a shared asset, or `undefined` when it is absent (the project must work without the shared folder:
 * callers skip with a message naming the file).
 *
 * @example
 * ```ts
 * const model = sharedAsset('models/mini-distilbert-mlm/config.json');
 * if (!model) console.warn('skipped: models/mini-distilbert-mlm is not available');
 * ```
 */
export function sharedAsset(relativePath: string, repoRoot?: string): string | undefined {
  const path = join(sharedDir(repoRoot), relativePath);
  return existsSync(path) ? path : undefined;
}
