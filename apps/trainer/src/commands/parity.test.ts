import { isMangaAssistError, sharedAsset } from '@mangaassist/common';
import { formatParity, parityCommand, type ParityCliReport } from './parity';
import { runCommand } from '../__tests__/run-command';

const run = async (args: string[]): Promise<string> => (await runCommand(parityCommand, args)).stdout;

describe('mangaassist parity', () => {
  const fixtures = sharedAsset('fixtures/hf/tiny-distilbert/reference_outputs.json') && sharedAsset('fixtures/hf');
  (fixtures ? it : it.skip)(
    `reports 24/24 tokenizer cases and the encoder difference on the cpu backend${fixtures ? '' : ' (skipped: fixtures/hf is not available)'}`,
    async () => {
      const report = JSON.parse(await run(['--fixtures', fixtures!, '--backend', 'cpu', '--json'])) as ParityCliReport;
      expect(report).toMatchObject({ tokenizer_cases: 24, tokenizer_mismatches: 0, backend: 'cpu', ok: true, tolerance: 1e-4 });
      expect(report.max_abs_diff).toBeLessThan(1e-5);
      expect(report.backend_selection).toBe('tfjs backend: cpu');
      expect(process.exitCode ?? 0).toBe(0);
      const text = formatParity(report);
      expect(text).toMatch(/^tokenizer: 24\/24 cases match Hugging Face/);
      expect(text).toMatch(/^encoder: {3}max \|Δ\| of last_hidden_state \d\.\d\de-\d over all \(6x29x32/m);
      expect(text).toMatch(/^parity: {4}OK$/m);
      expect(formatParity({ ...report, ok: false, tokenizer_mismatches: 1, mismatch_details: [{ index: 4, text: 'Café', fields: ['tokens'] }] }))
        .toMatch(/^tokenizer: 23\/24 cases[^]*^ {2}case 4 "Café": tokens differ$[^]*^parity: {4}FAILED$/m);
    },
  );

  it('names the fixtures folder when it is absent', async () => {
    const error = await run(['--fixtures', '/nonexistent/fixtures']).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toMatch(/^\/nonexistent\/fixtures: no tokenizer_cases\.json; --fixtures must name/);
  });
});
