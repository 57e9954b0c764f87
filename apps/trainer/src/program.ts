import { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { allCommands } from './commands';

/**
 * Builds the `mangaassist` command line. Exported separately from `main` so tests can run it in-process.
 *
 * @example
 * ```ts
 * await buildProgram(createContainer()).parseAsync(['node', 'mangaassist', 'losses', '--json']);
 * ```
 */
export function buildProgram(container: DependencyContainer): Command {
  const program = new Command('mangaassist')
    .description('MangaAssist Sentiment: fine-tune, calibrate, export and serve the frustration classifier')
    .version('0.1.0')
    .showHelpAfterError();
  for (const command of allCommands()) command.register(program, container);
  return program;
}
