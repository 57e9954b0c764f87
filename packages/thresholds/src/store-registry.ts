import { MangaAssistError, PluginRegistry } from '@mangaassist/common';
import type { ThresholdStoreDeps } from './store-support';
import { postgresStore } from './stores/postgres';
import { redisStore } from './stores/redis';
import { sqliteStore } from './stores/sqlite';
import type { ThresholdStore } from './threshold-store';

/** A registry of threshold stores. */
export type ThresholdStoreRegistry = PluginRegistry<ThresholdStoreDeps, ThresholdStore>;

/**
 * A fresh registry holding the built-in stores, one per file in `stores/` (a meta-test keeps the two in sync).
 *
 * @example
 * ```ts
 * const store = createThresholdStoreRegistry().create('sqlite', { path: 'runs/thresholds.db' }, {});
 * ```
 */
export function createThresholdStoreRegistry(): ThresholdStoreRegistry {
  return new PluginRegistry<ThresholdStoreDeps, ThresholdStore>('threshold store')
    .register(sqliteStore)
    .register(postgresStore)
    .register(redisStore);
}

/** A store chosen on a command line: `{ id, options }` as in a config's `thresholds.store`. */
export interface StoreSelection {
  readonly id: string;
  readonly options: Record<string, unknown>;
}

// The option that the part after `<id>:` fills, per store id.
const SPEC_OPTION: Readonly<Record<string, string>> = { sqlite: 'path', postgres: 'url', redis: 'url' };

/**
 * Parses a command-line store spec: `sqlite:<path>`, `postgres:<url>` or `redis:<url>`. A bare `postgres://…`,
 * `postgresql://…` or `redis://…` URL also works.
 *
 * @example
 * ```ts
 * parseStoreSpec('sqlite:runs/thresholds.db'); // { id: 'sqlite', options: { path: 'runs/thresholds.db' } }
 * parseStoreSpec('redis:redis://127.0.0.1:6379'); // { id: 'redis', options: { url: 'redis://127.0.0.1:6379' } }
 * ```
 */
export function parseStoreSpec(spec: string): StoreSelection {
  if (/^postgres(ql)?:\/\//.test(spec)) return { id: 'postgres', options: { url: spec } };
  if (/^rediss?:\/\//.test(spec)) return { id: 'redis', options: { url: spec } };
  const colon = spec.indexOf(':');
  const id = colon < 0 ? spec : spec.slice(0, colon);
  const option = SPEC_OPTION[id];
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  if (!option || rest.length === 0) {
    throw new MangaAssistError(
      'INVALID_ARGUMENT',
      `store spec ${JSON.stringify(spec)} must be sqlite:<path>, postgres:<url> or redis:<url>`,
      { spec, allowed: Object.keys(SPEC_OPTION) },
    );
  }
  return { id, options: { [option]: rest } };
}
