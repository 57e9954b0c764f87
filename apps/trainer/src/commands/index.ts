import type { CommandModule } from './command-module';
import { reservedCommands } from './reserved';

/** Every implemented subcommand; add a new command's module here (one line). */
const IMPLEMENTED: CommandModule[] = [];

/** Implemented commands plus placeholders for the reserved names not implemented yet. */
export function allCommands(): CommandModule[] {
  const implemented = new Set(IMPLEMENTED.map((c) => c.name));
  return [...IMPLEMENTED, ...reservedCommands(implemented)].sort((a, b) => a.name.localeCompare(b.name));
}
