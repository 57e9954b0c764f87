import type { PluginInfo } from '@mangaassist/common';
import { loadTrainJobConfig } from '@mangaassist/trainer';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { LR_SCHEDULES, PLUGINS, UNFREEZING_SCHEDULES } from '../tokens';
import type { CommandModule } from './command-module';

/** What `schedules --json` prints: both registries' listings. */
export interface ScheduleListing {
  readonly unfreezing: readonly PluginInfo[];
  readonly lr: readonly PluginInfo[];
}

/**
 * `mangaassist schedules [--json]`: lists the registered unfreezing schedules (`schedule.unfreezing`) and learning
 * rate schedules (`schedule.lr`) with their options; with `--config`, those of the job file's `plugins` packages too.
 *
 * @example
 * ```bash
 * npm run cli -- schedules
 * npm run cli -- schedules --json | jq '.lr[].id'
 * npm run cli -- schedules --config configs/job.yaml
 * ```
 */
export const schedulesCommand: CommandModule = {
  name: 'schedules',
  register(program: Command, container: DependencyContainer) {
    program
      .command('schedules')
      .description('list the registered unfreezing and learning-rate schedule plugins')
      .option('--json', 'print the listing as JSON ({ unfreezing, lr }: id, description, JSON Schema of the options)')
      .option('--config <file>', "also list the plugins of the packages this training job file's plugins field names")
      .action((options: { json?: boolean; config?: string }) => {
        if (options.config) loadTrainJobConfig(options.config, container.resolve(PLUGINS));
        const listing: ScheduleListing = { unfreezing: container.resolve(UNFREEZING_SCHEDULES).list(), lr: container.resolve(LR_SCHEDULES).list() };
        process.stdout.write(options.json ? `${JSON.stringify(listing, null, 2)}\n` : formatScheduleListing(listing));
      });
  },
};

interface OptionSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly OptionSchema[];
  readonly items?: OptionSchema;
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
}

/**
 * The text listing: a section per family, a block per plugin with each option's type, range and default.
 *
 * @example
 * ```ts
 * const c = createContainer();
 * process.stdout.write(formatScheduleListing({ unfreezing: c.resolve(UNFREEZING_SCHEDULES).list(), lr: c.resolve(LR_SCHEDULES).list() }));
 * ```
 */
export function formatScheduleListing(listing: ScheduleListing): string {
  const section = (title: string, key: string, plugins: readonly PluginInfo[]) => {
    const blocks = plugins.map((plugin) => {
      const schema = plugin.optionsJsonSchema as { properties?: Record<string, OptionSchema>; required?: string[] };
      const lines = Object.entries(schema.properties ?? {}).map(
        ([name, option]) =>
          `    ${name}: ${describe(option)}${presence(option, schema.required?.includes(name) ?? false)}` +
          (option.description ? ` — ${option.description}` : ''),
      );
      return [`  ${plugin.id}`, `    ${plugin.description}`, ...(lines.length > 0 ? lines : ['    (no options)'])].join('\n');
    });
    return `${title} (${key}: { id, options })\n\n${blocks.join('\n\n')}`;
  };
  return `${section('unfreezing schedules', 'schedule.unfreezing', listing.unfreezing)}\n\n${section('learning-rate schedules', 'schedule.lr', listing.lr)}\n`;
}

function describe(option: OptionSchema): string {
  // A union (e.g. the custom plan's epoch: a count, "all" or a list of indices) reads as its alternatives.
  if (option.anyOf) return option.anyOf.map(describe).join(' | ');
  if (option.const !== undefined) return JSON.stringify(option.const);
  const type = option.enum
    ? option.enum.map((v) => JSON.stringify(v)).join(' | ')
    : option.type === 'array'
      ? `[${option.items ? describe(option.items) : 'unknown'}, …]`
      : (option.type ?? 'unknown');
  // zod writes integers' implicit bounds (±(2^53 - 1)); they say nothing to a reader.
  const minimum = option.minimum !== undefined && option.minimum > -Number.MAX_SAFE_INTEGER ? option.minimum : undefined;
  const lower = option.exclusiveMinimum !== undefined ? `> ${option.exclusiveMinimum}` : minimum !== undefined ? `≥ ${minimum}` : '';
  const maximum = option.maximum !== undefined && option.maximum < Number.MAX_SAFE_INTEGER ? option.maximum : undefined;
  const upper = option.exclusiveMaximum !== undefined ? `< ${option.exclusiveMaximum}` : maximum !== undefined ? `≤ ${maximum}` : '';
  const range = [lower, upper].filter(Boolean).join(', ');
  return `${type}${range ? ` ${range}` : ''}`;
}

function presence(option: OptionSchema, required: boolean): string {
  if (option.default !== undefined) return `, default ${JSON.stringify(option.default)}`;
  return required ? ', required' : ', optional';
}
