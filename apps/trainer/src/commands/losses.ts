import type { PluginInfo } from '@mangaassist/common';
import { loadTrainJobConfig } from '@mangaassist/trainer';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { LOSSES, PLUGINS } from '../tokens';
import type { CommandModule } from './command-module';

/** The subset of JSON Schema that zod emits for loss options and that the listing describes. */
interface OptionSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly OptionSchema[];
  readonly items?: OptionSchema;
  readonly additionalProperties?: OptionSchema | boolean;
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
}

/**
 * `mangaassist losses [--json] [--config <file>]`: lists the registered loss plugins with their options
 * (`PluginRegistry.list()`), as aligned text or, with `--json`, as the listing itself (JSON Schema of every plugin's
 * options). With `--config`, the packages the job file lists under `plugins` are registered first and listed too.
 *
 * @example
 * ```bash
 * npm run cli -- losses
 * npm run cli -- losses --json | jq '.[] | select(.id == "focal")'
 * npm run cli -- losses --config configs/job.yaml   # with the job's plugin packages
 * ```
 */
export const lossesCommand: CommandModule = {
  name: 'losses',
  register(program: Command, container: DependencyContainer) {
    program
      .command('losses')
      .description('list the registered loss plugins and their options')
      .option('--json', 'print the listing as JSON (id, description, JSON Schema of the options)')
      .option('--config <file>', "also list the plugins of the packages this training job file's plugins field names")
      .action((options: { json?: boolean; config?: string }) => {
        if (options.config) loadTrainJobConfig(options.config, container.resolve(PLUGINS));
        const listing = container.resolve(LOSSES).list();
        process.stdout.write(options.json ? `${JSON.stringify(listing, null, 2)}\n` : formatLossListing(listing));
      });
  },
};

/**
 * The text listing: one block per plugin with each option's type, constraints, default and description.
 *
 * @example
 * ```ts
 * process.stdout.write(formatLossListing(createContainer().resolve(LOSSES).list()));
 * ```
 */
export function formatLossListing(listing: readonly PluginInfo[]): string {
  const blocks = listing.map((plugin) => {
    const schema = plugin.optionsJsonSchema as { properties?: Record<string, OptionSchema> };
    const rows = Object.entries(schema.properties ?? {}).map(([name, option]) => [
      name,
      describeType(option) + describeDefault(option),
      option.description ?? '',
    ]);
    const widths = [0, 1].map((i) => Math.max(0, ...rows.map((row) => (row[i] ?? '').length)));
    const lines = rows.map(([name, type, description]) =>
      `    ${(name ?? '').padEnd(widths[0] ?? 0)}  ${(type ?? '').padEnd(widths[1] ?? 0)}  ${description}`.trimEnd(),
    );
    return [`  ${plugin.id}`, `    ${plugin.description}`, ...(lines.length > 0 ? lines : ['    (no options)'])].join('\n');
  });
  const header = `${listing.length} loss plugin(s); select one in a config with loss: { id, options }`;
  return `${header}\n\n${blocks.join('\n\n')}\n`;
}

function describeType(option: OptionSchema): string {
  if (option.enum) return option.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (option.anyOf) return option.anyOf.map(describeType).join(' | ');
  if (option.type === 'array') return `[${option.items ? describeType(option.items) : 'unknown'}, …]`;
  if (option.type === 'object' && typeof option.additionalProperties === 'object') {
    return `{ label: ${describeType(option.additionalProperties)} }`;
  }
  return `${option.type ?? 'unknown'}${describeRange(option)}`;
}

function describeRange(option: OptionSchema): string {
  const lower =
    option.exclusiveMinimum !== undefined ? `> ${option.exclusiveMinimum}` : option.minimum !== undefined ? `≥ ${option.minimum}` : '';
  const upper =
    option.exclusiveMaximum !== undefined ? `< ${option.exclusiveMaximum}` : option.maximum !== undefined ? `≤ ${option.maximum}` : '';
  const range = [lower, upper].filter((s) => s.length > 0).join(', ');
  return range ? ` ${range}` : '';
}

function describeDefault(option: OptionSchema): string {
  return option.default === undefined ? ', optional' : `, default ${JSON.stringify(option.default)}`;
}
