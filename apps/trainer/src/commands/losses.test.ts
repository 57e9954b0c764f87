import { lossesCommand } from './losses';
import { runCommand } from '../__tests__/run-command';

const run = async (args: string[]): Promise<string> => (await runCommand(lossesCommand, args)).stdout;

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
