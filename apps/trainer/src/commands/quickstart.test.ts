import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { TFJS_BACKEND_REQUESTS } from '@mangaassist/runtime-tfjs';
import { quickstartCommand, quickstartOptions } from './quickstart';
import { runCommand } from '../__tests__/run-command';

// The pipeline itself (stages, reuse, the recipe) is tested in @mangaassist/pipelines; the command parses and prints.
describe('mangaassist quickstart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quickstart-cli-'));

  it('turns its flags into the typed options of the pipeline', () => {
    expect(quickstartOptions({ out: 'runs/q', examples: '120', epochs: '1', backend: 'cpu', fresh: true })).toEqual({
      out: 'runs/q',
      fresh: true,
      examples: 120,
      epochs: 1,
      backend: 'cpu',
    });
    expect(quickstartOptions({ out: 'runs/q', examples: '5000', epochs: '4', backend: 'auto' }).fresh).toBe(false);
  });

  it.each([
    [['--examples', '0'], '--examples must be a positive integer, got 0'],
    [['--examples', '12.5'], '--examples must be a positive integer, got 12.5'],
    [['--epochs', 'many'], '--epochs must be a positive integer, got many'],
    [['--backend', 'tpu'], `--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}, got tpu`],
  ])('refuses %j before touching the run directory', async (args, message) => {
    const out = join(dir, args.join('-'));
    const error = await runCommand(quickstartCommand, ['--out', out, '--fresh', ...args]).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe(message);
    expect(existsSync(out)).toBe(false);
  });
});
