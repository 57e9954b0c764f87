import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataCommand } from './data';
import { runCommand } from '../__tests__/run-command';

const run = async (args: string[]): Promise<string> => (await runCommand(dataCommand, args)).stdout;

describe('mangaassist data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mangaassist-data-cli-'));
  const corpus = join(dir, 'gen.jsonl');

  it('generate writes a seeded JSONL corpus', async () => {
    const text = await run(['generate', '--out', corpus, '--n', '400', '--seed', '3']);
    expect(text).toMatch(/^wrote 400 messages to .*gen\.jsonl \(seed 3\); label shares: frustration 1[78]\.\d%, .*multi-label 2\d\.\d%/);
    const lines = readFileSync(corpus, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(400);
    expect(JSON.parse(lines[0]!)).toEqual({ id: 'gen-3-000', text: expect.any(String), labels: expect.any(Array) });
    const again = join(dir, 'again.jsonl');
    await run(['generate', '--out', again, '--n', '400', '--seed', '3']);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(corpus, 'utf8'));
  });

  it('stats prints label frequencies, lengths, duplicates and vocabulary, as text or JSON', async () => {
    const text = await run(['stats', corpus]);
    expect(text).toMatch(/gen\.jsonl \(jsonl\): 400 messages/);
    expect(text).toMatch(/^ {2}neutral\s+\d+\s+5\d\.\d%\s+45\.\d%$/m);
    expect(text).toMatch(/^multi-label: /m);
    expect(text).toMatch(/^duplicates: exact 0 \(0\.00%\), near \d+/m);
    const json = JSON.parse(await run(['stats', corpus, '--json'])) as { messages: number; labels: { label: string }[]; vocabularySize: number };
    expect(json.messages).toBe(400);
    expect(json.labels.map((l) => l.label)).toEqual(['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral']);
    expect(json.vocabularySize).toBeGreaterThan(100);
  });

  it('stats reads CSV with custom columns and counts skipped rows when lenient', async () => {
    const csv = join(dir, 'mini.csv');
    writeFileSync(csv, 'message,tags\nwhere is it,frustration|urgency\nbad row,angry\nok,neutral\n');
    const json = JSON.parse(await run(['stats', csv, '--text-column', 'message', '--labels-column', 'tags', '--lenient', '--json'])) as { messages: number; skipped: number };
    expect(json).toMatchObject({ messages: 2, skipped: 1 });
    await expect(run(['stats', csv, '--text-column', 'message', '--labels-column', 'tags'])).rejects.toThrow(/mini\.csv line 3: unknown label "angry"/);
  });

  it('baseline scores a held-out split and other files', async () => {
    const result = JSON.parse(await run(['baseline', '--train', corpus, '--eval', corpus, '--holdout', '0.25', '--json'])) as {
      train: { messages: number; features: number };
      evaluations: { name: string; messages: number; report: { macroF1: number; perLabel: unknown[] } }[];
    };
    expect(result.train.messages).toBe(300);
    expect(result.evaluations.map((e) => e.messages)).toEqual([100, 400]);
    expect(result.evaluations[0]!.name).toMatch(/held-out 0\.25/);
    expect(result.evaluations[0]!.report.perLabel).toHaveLength(6);
    expect(result.evaluations[1]!.report.macroF1).toBeGreaterThan(result.evaluations[0]!.report.macroF1 - 0.3);
    const text = await run(['baseline', '--train', corpus, '--eval', corpus]);
    expect(text).toMatch(/^ {2}macro-F1 \d\.\d{3} over 6 labels, micro-F1 \d\.\d{3}$/m);
  });

  it('rejects a bad --n', async () => {
    await expect(run(['generate', '--out', join(dir, 'x.jsonl'), '--n', 'many'])).rejects.toThrow('--n must be an integer >= 1, got many');
  });
});
