import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';

/**
 * One CLI subcommand: a file under `commands/` that adds itself to the program. The list in `./index.ts` is the
 * single place commands are collected.
 */
export interface CommandModule {
  /** The subcommand's name, e.g. `train`. */
  readonly name: string;
  /** Adds the subcommand (with options and action) to `program`; services come from `container`. */
  register(program: Command, container: DependencyContainer): void;
}
