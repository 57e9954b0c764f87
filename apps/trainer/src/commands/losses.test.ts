import { Command } from 'commander';
import { createContainer } from '../container';
import { lossesCommand } from './losses';

async function run(args: string[]): Promise<string> {
  const program = new Command('mangaassist').exitOverride();
  lossesCommand.register(program, createContainer());
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'mangaassist', 'losses', ...args]);
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

describe('mangaassist losses', () => {
  it('lists every loss plugin with its options, types, constraints and defaults', async () => {
    const text = await run([]);
    expect(text).toMatch(/^4 loss plugin\(s\)/);
    for (const id of ['asymmetric', 'bce', 'focal', 'uncertainty-weighted']) expect(text).toMatch(new RegExp(`^  ${id}$`, 'm'));
    expect(text).toMatch(/^\s+gamma\s+number ≥ 0, default 2\s+focusing parameter γ ≥ 0; 0 gives BCE$/m);
    expect(text).toMatch(/^\s+clip\s+number ≥ 0, < 1, default 0\.05\s/m);
    expect(text).toMatch(/^\s+alpha\s+\[number > 0, …\] \| \{ label: number > 0 \}, optional\s/m);
    expect(text).toMatch(/^\s+reduction\s+"mean" \| "sum" \| "none", default "mean"\s/m);
  });

  it('prints the registry listing as JSON with --json', async () => {
    const listing = JSON.parse(await run(['--json'])) as { id: string; optionsJsonSchema: { properties: object } }[];
    expect(listing.map((p) => p.id)).toEqual(['asymmetric', 'bce', 'focal', 'uncertainty-weighted']);
    expect(Object.keys(listing.find((p) => p.id === 'asymmetric')!.optionsJsonSchema.properties)).toEqual([
      'gammaPos',
      'gammaNeg',
      'clip',
      'weights',
      'reduction',
    ]);
  });
});
