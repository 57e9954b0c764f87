import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';

/** One `mangaassist bench <name>` subcommand: a file in this folder, listed in `./subcommands.ts`. */
export interface BenchSubcommand {
  readonly name: string;
  /** Adds the subcommand (options and action) to the `bench` command. */
  register(bench: Command, container: DependencyContainer): void;
}
