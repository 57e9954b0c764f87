import type { BenchSubcommand } from './bench-subcommand';
import { serveBenchCommand } from './serve';
import { trainBenchCommand } from './train';

/** Every `bench` subcommand; add a new one here (one line). */
export const BENCH_SUBCOMMANDS: readonly BenchSubcommand[] = [trainBenchCommand, serveBenchCommand];
