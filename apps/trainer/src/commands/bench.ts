import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import type { CommandModule } from './command-module';
import { BENCH_SUBCOMMANDS } from './bench/subcommands';

/**
 * `mangaassist bench <subcommand>`: benchmarks. Each subcommand lives in `commands/bench/` and is listed in
 * `bench/subcommands.ts`.
 *
 * @example
 * ```bash
 * npm run cli -- bench train --model ../shared/models/mini-distilbert-mlm --examples 5000 --json
 * ```
 */
export const benchCommand: CommandModule = {
  name: 'bench',
  register(program: Command, container: DependencyContainer) {
    const bench = program.command('bench').description('benchmarks (training throughput, serving latency)');
    for (const subcommand of BENCH_SUBCOMMANDS) subcommand.register(bench, container);
  },
};
