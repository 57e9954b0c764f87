/** Prefix of environment variables that override configuration values. */
export const ENV_PREFIX = 'MANGAASSIST_CFG__';

/**
 * Applies environment overrides to a raw (not yet validated) configuration object.
 *
 * `MANGAASSIST_CFG__OPTIMIZER__BASE_LR=1e-5` sets `optimizer.baseLr`: segments are separated by `__` and each
 * UPPER_SNAKE segment becomes camelCase. Values are parsed as JSON when they parse (numbers, booleans, arrays),
 * else kept as strings. Returns a new object; `raw` is not modified.
 *
 * @example
 * ```ts
 * applyEnvOverrides({ training: { seed: 1 } }, { MANGAASSIST_CFG__TRAINING__SEED: '7' }); // { training: { seed: 7 } }
 * ```
 */
export function applyEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  const entries = Object.entries(env)
    .filter(([key, value]) => key.startsWith(ENV_PREFIX) && value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return raw;
  const root: Record<string, unknown> = isPlainObject(raw) ? structuredClone(raw) : {};
  for (const [key, value] of entries) {
    const path = key.slice(ENV_PREFIX.length).split('__').filter(Boolean).map(snakeToCamel);
    if (path.length === 0) continue;
    let node = root;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      node[segment] = isPlainObject(next) ? next : {};
      node = node[segment] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = parseValue(value as string);
  }
  return root;
}

function snakeToCamel(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
