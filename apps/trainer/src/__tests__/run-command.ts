import { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import type { CommandModule } from '../commands/command-module';
import { createContainer } from '../container';

/** What a command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one `mangaassist` command in process, as `mangaassist <name> ...args` would, and returns what it wrote.
 * Commander's `process.exit` is turned into a thrown error, so a refused option fails the test instead of ending it.
 *
 * @param container - the app's container (default: a fresh one, as the CLI creates)
 *
 * @example
 * ```ts
 * const { stdout } = await runCommand(lossesCommand, ['--json']);
 * ```
 */
export async function runCommand(
  command: CommandModule,
  args: readonly string[],
  container: DependencyContainer = createContainer(),
): Promise<CommandOutput> {
  const program = new Command('mangaassist').exitOverride();
  command.register(program, container);
  const out: string[] = [];
  const err: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) => (into.push(String(chunk)), true);
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture(out));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture(err));
  try {
    await program.parseAsync(['node', 'mangaassist', command.name, ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return { stdout: out.join(''), stderr: err.join('') };
}
