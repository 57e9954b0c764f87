import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUILT_IN_LOSSES } from '@mangaassist/losses';
import type { DependencyContainer } from 'tsyringe';
import { createContainer } from './container';
import { lossesCommand } from './commands/losses';
import { trainCommand } from './commands/train';
import { writeTinyEncoder } from './commands/__tests__/tiny-encoder';
import { LOSSES, PLUGINS, TRAINING_BACKEND } from './tokens';
import { runCommand } from './__tests__/run-command';
import type { CommandModule } from './commands/command-module';

// The third-party loss package of the pack test (`@acme/mangaassist-losses`, a Brier loss), linked into a scratch project.
const FIXTURE = resolve(__dirname, '..', '..', '..', 'tools', 'fixtures', 'acme-mangaassist-losses');
const WORDS = ['late', 'again', 'love', 'this'];

const cli = async (container: DependencyContainer, command: CommandModule, args: string[]): Promise<string> =>
  (await runCommand(command, args, container)).stdout;

/** A scratch project: the fixture installed under node_modules, a tiny encoder, data, and `configs/job.yaml`. */
function project(jobLines: readonly string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'cli-plugins-'));
  mkdirSync(join(root, 'node_modules', '@acme'), { recursive: true });
  symlinkSync(FIXTURE, join(root, 'node_modules', '@acme', 'mangaassist-losses'), 'dir');
  writeTinyEncoder(join(root, 'encoder'), { words: WORDS, layers: 1, maxPositions: 12 });
  const rows = Array.from({ length: 8 }, (_, i) => JSON.stringify(i % 2 ? { text: 'late again', labels: ['frustration'] } : { text: 'love this', labels: ['satisfaction'] }));
  writeFileSync(join(root, 'train.jsonl'), `${rows.join('\n')}\n`);
  mkdirSync(join(root, 'configs'));
  const configFile = join(root, 'configs', 'job.yaml');
  writeFileSync(
    configFile,
    [
      `model: { pretrained: ${join(root, 'encoder')}, maxLength: 8, head: { hiddenDim: 4 } }`,
      `data: { train: { path: ${join(root, 'train.jsonl')} }, valFraction: 0.25 }`,
      'schedule: { epochs: 1, unfreezing: { id: full }, lr: { id: constant } }',
      `training: { outDir: ${join(root, 'run')}, batchSize: 4, maxSteps: 1, backend: cpu }`,
      ...jobLines,
    ].join('\n'),
  );
  return configFile;
}

describe('the CLI container', () => {
  it('gives each container its own registries, shared by the tokens that expose them', () => {
    const a = createContainer();
    const b = createContainer();
    expect(a.resolve(PLUGINS).losses).toBe(a.resolve(LOSSES));
    expect(a.resolve(LOSSES)).not.toBe(b.resolve(LOSSES));
    a.resolve(LOSSES).register({ ...BUILT_IN_LOSSES[0]!, id: 'bce-again' });
    expect(a.resolve(LOSSES).has('bce-again')).toBe(true);
    expect(b.resolve(LOSSES).has('bce-again')).toBe(false);
  });

  it('trains with a loss from a package the job file lists, selected by id, on the backend the container selects', async () => {
    const configFile = project(['plugins: ["@acme/mangaassist-losses"]', 'loss: { id: brier }']);
    const c = createContainer();
    const selected: string[] = [];
    const select = c.resolve(TRAINING_BACKEND);
    c.register(TRAINING_BACKEND, { useValue: (backend, field, code) => (selected.push(`${field}=${backend}`), select(backend, field, code)) });
    const usage = (createRequire(__filename)(FIXTURE) as { usage: { created: number; computed: number } }).usage;
    const before = { ...usage };
    const summary = JSON.parse(await cli(c, trainCommand, ['--config', configFile, '--json']));
    expect([summary.stopReason, summary.globalStep]).toEqual(['max-steps', 1]);
    expect(selected).toEqual(['training.backend=cpu']);
    expect(usage.created - before.created).toBe(1);
    expect(usage.computed - before.computed).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('lists the plugin losses of a job file with losses --config, and only then', async () => {
    const configFile = project(['plugins: ["@acme/mangaassist-losses"]', 'loss: { id: brier }']);
    expect(await cli(createContainer(), lossesCommand, [])).not.toMatch(/^ {2}brier$/m);
    const text = await cli(createContainer(), lossesCommand, ['--config', configFile]);
    expect(text).toMatch(/^5 loss plugin\(s\)/);
    expect(text).toMatch(/^ {2}brier\n {4}Brier score: squared error of the sigmoid probabilities \(a third-party plugin\)\.$/m);
    expect(text).toMatch(/^\s+scale\s+number > 0, default 1\s*$/m);
  });

  it('names the file, the field and the known ids (plugins included) when a job selects an unknown loss', async () => {
    const configFile = project(['plugins: ["@acme/mangaassist-losses"]', 'loss: { id: brie }']);
    await expect(cli(createContainer(), trainCommand, ['--config', configFile])).rejects.toThrow(
      `${configFile}: loss.id: unknown loss plugin "brie"; known: asymmetric, bce, brier, focal, uncertainty-weighted (with @acme/mangaassist-losses)`,
    );
  });
});
