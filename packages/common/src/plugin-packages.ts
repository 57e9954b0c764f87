import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { MangaAssistError } from './errors';
import type { PluginDescriptor, PluginRegistry } from './plugin-registry';

/**
 * The plugin families a package may contribute to, as keys of its {@link PluginPackageManifest}: losses
 * (`loss.id`), unfreezing schedules (`schedule.unfreezing.id`), learning-rate schedules (`schedule.lr.id`),
 * threshold strategies (`thresholds.strategy.id`), threshold stores (`thresholds.store.id`) and escalation
 * policies (`serving.escalation.policy.id`).
 *
 * @example
 * ```ts
 * PLUGIN_FAMILIES.includes('losses'); // true
 * ```
 */
export const PLUGIN_FAMILIES = ['losses', 'unfreezingSchedules', 'lrSchedules', 'thresholdStrategies', 'thresholdStores', 'escalationPolicies'] as const;

/** One of {@link PLUGIN_FAMILIES}. */
export type PluginFamily = (typeof PLUGIN_FAMILIES)[number];

/**
 * The named export a plugin package must have: {@link PluginPackageManifest}.
 *
 * @example
 * ```ts
 * require('@acme/mangaassist-losses')[PLUGIN_PACKAGE_EXPORT]; // { losses: [softF1Loss] }
 * ```
 */
export const PLUGIN_PACKAGE_EXPORT = 'mangaassistPlugins';

/**
 * What a plugin package exports as `mangaassistPlugins`: per family, a list of descriptors of the same shape as the
 * built-in ones (`{ id, description, optionsSchema, create(options, deps) }`). Every key is optional; a host registers
 * the families it has and leaves the others (a package may ship losses and threshold stores; the server takes the
 * stores).
 *
 * @example
 * ```ts
 * // index.ts of @acme/mangaassist-losses
 * export const mangaassistPlugins: PluginPackageManifest = { losses: [softF1Loss] };
 * ```
 */
export type PluginPackageManifest = {
  // Each family has its own deps and instance types; the host's registry is the one that knows them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly [F in PluginFamily]?: readonly PluginDescriptor<any, any, any>[];
};

/**
 * The registries a host offers to plugin packages, per family. Families a host leaves out are skipped.
 *
 * @example
 * ```ts
 * const registries: PluginRegistries = { losses: createLossRegistry(), lrSchedules: createLrScheduleRegistry() };
 * ```
 */
export type PluginRegistries = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly [F in PluginFamily]?: PluginRegistry<any, any>;
};

/** Where the package names come from, for resolution and for error messages. */
export interface PluginPackageSource {
  /** The configuration file that lists the packages: names resolve from its directory first. */
  readonly configFile: string;
  /** The field that lists them, named in errors; default `plugins`. */
  readonly field?: string;
  /** Where names resolve when the config file's directory does not find them; default `process.cwd()`. */
  readonly projectDir?: string;
}

/** What {@link registerPluginPackages} did for one package. */
export interface LoadedPluginPackage {
  /** The name as the configuration gives it. */
  readonly name: string;
  /** The file Node loaded. */
  readonly file: string;
  /** Each registered plugin, with its family. */
  readonly registered: readonly { readonly family: PluginFamily; readonly id: string }[];
}

const CONTRACT =
  `export ${PLUGIN_PACKAGE_EXPORT} = { ${PLUGIN_FAMILIES.map((f) => `${f}?: [...]`).join(', ')} }, ` +
  'each entry a descriptor { id (kebab-case), description, optionsSchema (zod), create(options, deps) }';

/**
 * Loads the packages a configuration names (e.g. `plugins: ["@acme/mangaassist-losses"]`) and registers the
 * descriptors each exports as `mangaassistPlugins` on the host's registries, so that the configuration's ids can then
 * select them. A name resolves with Node's rules from the config file's directory, then from the project
 * (`projectDir`); a relative path (`./plugins/my-loss.js`) is taken from the config file's directory. Packages load
 * with `require` (CommonJS, or ES modules without top-level await).
 *
 * Every package is checked before any of its descriptors is registered. Errors name the config file, the field
 * (`plugins[1]`), the package and what it must export.
 *
 * @throws MangaAssistError `PLUGIN_LOAD_FAILED` when a package cannot be found or loaded or does not export a
 *   manifest of descriptors; `PLUGIN_DUPLICATE` when one of its ids is taken (naming the package)
 *
 * @example
 * ```ts
 * const config = loadConfigFile(trainJobConfigSchema, 'configs/job.yaml');
 * const losses = createLossRegistry();
 * registerPluginPackages(config.plugins ?? [], { losses }, { configFile: 'configs/job.yaml' });
 * losses.create(config.loss.id, config.loss.options, { labels }); // a plugin's id works now
 * ```
 */
export function registerPluginPackages(
  names: readonly string[],
  registries: PluginRegistries,
  source: PluginPackageSource,
): LoadedPluginPackage[] {
  const field = source.field ?? 'plugins';
  return names.map((name, index) => {
    const where = `${source.configFile}: ${field}[${index}] (${JSON.stringify(name)})`;
    const file = resolvePluginPackage(name, where, source);
    const manifest = readManifest(loadPackage(file, where), where);
    const registered: { family: PluginFamily; id: string }[] = [];
    for (const family of PLUGIN_FAMILIES) {
      const registry = registries[family];
      if (!registry) continue;
      for (const descriptor of manifest[family] ?? []) {
        try {
          registry.register(descriptor);
        } catch (cause) {
          const message = (cause as Error).message;
          const code = cause instanceof MangaAssistError ? cause.code : 'PLUGIN_LOAD_FAILED';
          throw new MangaAssistError(code, `${where}: ${message}`, { configFile: source.configFile, field: `${field}[${index}]`, package: name }, { cause });
        }
        registered.push({ family, id: descriptor.id });
      }
    }
    return { name, file, registered };
  });
}

function resolvePluginPackage(name: string, where: string, source: PluginPackageSource): string {
  const configDir = dirname(resolve(source.configFile));
  const projectDir = resolve(source.projectDir ?? process.cwd());
  const bases = [...new Set([configDir, projectDir])];
  const failures: string[] = [];
  for (const base of bases) {
    // createRequire needs a file path; the file itself need not exist.
    const requireFrom = createRequire(join(base, 'plugin-resolution.js'));
    try {
      return requireFrom.resolve(name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'MODULE_NOT_FOUND') {
        throw failed(`${where}: cannot resolve the package: ${(error as Error).message}`, source, name, error);
      }
      failures.push(base);
    }
  }
  throw failed(
    `${where}: cannot find the package from ${failures.join(' or ')}; install it in the project (npm install ${name}) ` +
      `or give a path relative to ${source.configFile}`,
    source,
    name,
  );
}

function loadPackage(file: string, where: string): unknown {
  try {
    return createRequire(file)(file);
  } catch (error) {
    throw new MangaAssistError('PLUGIN_LOAD_FAILED', `${where}: loading ${file} failed: ${(error as Error).message}`, { file }, { cause: error });
  }
}

// Not named `exports`: compiled to CommonJS, this module's own exported constants are read as `exports.NAME`.
function readManifest(moduleExports: unknown, where: string): PluginPackageManifest {
  const manifest = (moduleExports as Record<string, unknown> | null | undefined)?.[PLUGIN_PACKAGE_EXPORT];
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) {
    const names = moduleExports !== null && typeof moduleExports === 'object' ? Object.keys(moduleExports) : [];
    throw new MangaAssistError(
      'PLUGIN_LOAD_FAILED',
      `${where}: the package must ${CONTRACT}; it exports ${names.length > 0 ? names.join(', ') : 'nothing by name'}`,
      { exports: names },
    );
  }
  const problems: string[] = [];
  for (const [family, descriptors] of Object.entries(manifest)) {
    const path = `${PLUGIN_PACKAGE_EXPORT}.${family}`;
    if (!(PLUGIN_FAMILIES as readonly string[]).includes(family)) {
      problems.push(`${path}: unknown family; allowed: ${PLUGIN_FAMILIES.join(', ')}`);
    } else if (!Array.isArray(descriptors)) {
      problems.push(`${path}: must be an array of descriptors`);
    } else {
      descriptors.forEach((descriptor: unknown, i) => {
        const missing = descriptorProblems(descriptor);
        if (missing.length > 0) problems.push(`${path}[${i}]: ${missing.join('; ')}`);
      });
    }
  }
  if (problems.length > 0) {
    throw new MangaAssistError('PLUGIN_LOAD_FAILED', `${where}: the package must ${CONTRACT}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      problems,
    });
  }
  return manifest as PluginPackageManifest;
}

function descriptorProblems(descriptor: unknown): string[] {
  if (descriptor === null || typeof descriptor !== 'object') return ['not an object'];
  const d = descriptor as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof d.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(d.id)) problems.push(`id must be a kebab-case string, got ${JSON.stringify(d.id)}`);
  if (typeof d.description !== 'string') problems.push('description must be a string');
  if (typeof (d.optionsSchema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') problems.push('optionsSchema must be a zod schema');
  if (typeof d.create !== 'function') problems.push('create must be a function');
  return problems;
}

function failed(message: string, source: PluginPackageSource, name: string, cause?: unknown): MangaAssistError {
  return new MangaAssistError('PLUGIN_LOAD_FAILED', message, { configFile: source.configFile, package: name }, cause === undefined ? undefined : { cause });
}
