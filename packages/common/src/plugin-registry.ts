import { toJSONSchema, type z } from 'zod';
import { MangaAssistError } from './errors';
import { describeZodIssues, formatProblems } from './zod-issues';

/**
 * A plugin: an id, a zod schema for its options, and a factory. Losses, unfreezing schedules, LR schedules,
 * threshold strategies and threshold stores are all plugins of this shape.
 *
 * @typeParam Options - the parsed options (output of `optionsSchema`)
 * @typeParam Deps - what the factory needs from its host (e.g. label names)
 * @typeParam Instance - what the factory returns
 *
 * @example
 * ```ts
 * const constant: PluginDescriptor<{ lr: number }, void, LrSchedule> = {
 *   id: 'constant',
 *   description: 'The same learning rate at every step.',
 *   optionsSchema: z.object({ lr: z.number().positive().default(3e-5) }),
 *   create: ({ lr }) => ({ rateAt: () => lr }),
 * };
 * ```
 */
export interface PluginDescriptor<Options, Deps, Instance> {
  /** Stable id used in configuration files (kebab-case). */
  readonly id: string;
  /** One sentence for listings (`npm run cli -- losses`). */
  readonly description: string;
  /** Validates and defaults the options given in configuration. */
  readonly optionsSchema: z.ZodType<Options>;
  /** Builds the plugin from validated options. */
  create(options: Options, deps: Deps): Instance;
}

/** What a registry listing shows for one plugin. */
export interface PluginInfo {
  readonly id: string;
  readonly description: string;
  /** JSON Schema of the options (zod's `toJSONSchema`), for `--json` listings and docs. */
  readonly optionsJsonSchema: unknown;
}

/**
 * A family of plugins selected by id. Registering an id twice throws; asking for an unknown id throws with the
 * list of known ids; options are validated by the plugin's own schema with every failing path reported.
 *
 * @example
 * ```ts
 * const losses = new PluginRegistry<LossDeps, Loss>('loss');
 * losses.register(bce);
 * const loss = losses.create('bce', { reduction: 'mean' }, { labels });
 * ```
 */
export class PluginRegistry<Deps, Instance> {
  // Options are erased to `any` inside the map: each descriptor validates its own options before `create`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly descriptors = new Map<string, PluginDescriptor<any, Deps, Instance>>();

  /** @param kind - the family's name in messages, e.g. `loss` or `threshold store`. */
  constructor(readonly kind: string) {}

  /** Adds a plugin; throws `PLUGIN_DUPLICATE` if its id is taken. Returns `this` for chaining. */
  register<Options>(descriptor: PluginDescriptor<Options, Deps, Instance>): this {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(descriptor.id)) {
      throw new RangeError(`${this.kind} plugin id must be kebab-case, got ${JSON.stringify(descriptor.id)}`);
    }
    if (this.descriptors.has(descriptor.id)) {
      throw new MangaAssistError('PLUGIN_DUPLICATE', `${this.kind} plugin "${descriptor.id}" is already registered`, {
        kind: this.kind,
        id: descriptor.id,
      });
    }
    this.descriptors.set(descriptor.id, descriptor);
    return this;
  }

  /** True when a plugin with this id is registered. */
  has(id: string): boolean {
    return this.descriptors.has(id);
  }

  /** The registered ids, sorted. */
  ids(): string[] {
    return [...this.descriptors.keys()].sort();
  }

  /** The descriptor for `id`; throws `PLUGIN_UNKNOWN` listing the known ids. */
  get(id: string): PluginDescriptor<unknown, Deps, Instance> {
    const descriptor = this.descriptors.get(id);
    if (!descriptor) {
      throw new MangaAssistError(
        'PLUGIN_UNKNOWN',
        `unknown ${this.kind} plugin "${id}"; known: ${this.ids().join(', ') || '(none registered)'}`,
        { kind: this.kind, id, known: this.ids() },
      );
    }
    return descriptor;
  }

  /** Validates `options` with the plugin's schema (throws `PLUGIN_OPTIONS_INVALID` naming each bad path). */
  parseOptions(id: string, options: unknown = {}): unknown {
    const descriptor = this.get(id);
    const result = descriptor.optionsSchema.safeParse(options ?? {});
    if (!result.success) {
      const problems = describeZodIssues(result.error.issues, `${this.kind}[${id}].options`);
      throw new MangaAssistError(
        'PLUGIN_OPTIONS_INVALID',
        `invalid options for ${this.kind} plugin "${id}":\n${formatProblems(problems)}`,
        { kind: this.kind, id, problems },
      );
    }
    return result.data;
  }

  /** Looks up `id`, validates `options` and creates the plugin. */
  create(id: string, options: unknown, deps: Deps): Instance {
    const parsed = this.parseOptions(id, options);
    return this.get(id).create(parsed, deps);
  }

  /** Listing for CLIs and docs, sorted by id. */
  list(): PluginInfo[] {
    return this.ids().map((id) => {
      const d = this.get(id);
      return { id, description: d.description, optionsJsonSchema: toJsonSchema(d.optionsSchema) };
    });
  }
}

function toJsonSchema(schema: z.ZodType): unknown {
  try {
    return toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return { description: 'options schema not representable as JSON Schema' };
  }
}
