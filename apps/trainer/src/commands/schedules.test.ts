import { schedulesCommand } from './schedules';
import { runCommand } from '../__tests__/run-command';

const run = async (args: string[]): Promise<string> => (await runCommand(schedulesCommand, args)).stdout;

describe('mangaassist schedules', () => {
  it('lists both families with their options', async () => {
    const text = await run([]);
    expect(text).toMatch(/^unfreezing schedules \(schedule\.unfreezing: \{ id, options \}\)/);
    for (const id of ['custom', 'full', 'head-only', 'ulmfit', 'constant', 'stlr', 'warmup-linear-per-epoch']) {
      expect(text).toMatch(new RegExp(`^  ${id}$`, 'm'));
    }
    expect(text).toMatch(/^learning-rate schedules \(schedule\.lr: \{ id, options \}\)/m);
    expect(text).toMatch(/^ {4}epochsPerStage: integer > 0, default 1 — epochs at each stage before the next group is unfrozen$/m);
    expect(text).toMatch(/^ {4}epochs: \[integer > 0 \| "all" \| \[integer, …\], …\], required — /m);
    expect(text).toMatch(/^ {4}cutFraction: number > 0, < 1, default 0\.1 — /m);
    expect(text).toMatch(/^ {4}warmupSteps: integer ≥ 0, optional — /m);
  });

  it('prints both registry listings as JSON', async () => {
    const listing = JSON.parse(await run(['--json'])) as { unfreezing: { id: string }[]; lr: { id: string }[] };
    expect(listing.unfreezing.map((p) => p.id)).toEqual(['custom', 'full', 'head-only', 'ulmfit']);
    expect(listing.lr.map((p) => p.id)).toEqual(['constant', 'stlr', 'warmup-linear-per-epoch']);
  });
});
