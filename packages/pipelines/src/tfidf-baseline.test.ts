import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus, writeJsonl } from '@mangaassist/data';
import { formatTfidfBaseline, runTfidfBaseline } from './tfidf-baseline';

describe('runTfidfBaseline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfidf-baseline-'));
  const corpus = join(dir, 'corpus.jsonl');
  beforeAll(() => writeJsonl(corpus, generateCorpus({ n: 200, seed: 3 }).examples));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains on the file less the stratified hold-out and scores the hold-out and every evaluation file', () => {
    const result = runTfidfBaseline({ train: corpus, eval: [corpus], holdout: 0.25, holdoutText: '0.25', seed: 1 });
    expect(result.train.messages).toBeLessThan(200);
    expect(result.evaluations.map((e) => e.name)).toEqual([`${corpus} (held-out 0.25)`, corpus]);
    expect(result.evaluations[0]!.messages + result.train.messages).toBe(200);
    expect(result.evaluations[1]!.messages).toBe(200);
    expect(formatTfidfBaseline(result)).toMatch(/macro-F1 \d\.\d{3} over \d+ labels, micro-F1 \d\.\d{3}\n$/);
  });

  it('trains on the whole file without a hold-out', () => {
    const result = runTfidfBaseline({ train: corpus, eval: [] });
    expect(result).toMatchObject({ train: { messages: 200 }, evaluations: [] });
    expect(result.train.features).toBeGreaterThan(0);
  });
});
