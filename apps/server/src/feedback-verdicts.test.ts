import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlFeedbackLog, proposeThresholdsFromFeedback, readFeedbackFile, type FeedbackRecord } from '@mangaassist/serving';
import { FeedbackVerdicts, type FeedbackChangeFeed } from './feedback-verdicts';

const verdict = (i: number, escalation: number, agent: string, correct: boolean): FeedbackRecord => ({
  feedbackId: `f${i}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  correct,
  agent,
  note: null,
  escalation: {
    escalationId: `e${escalation}`,
    at: '2026-01-01T00:00:00Z',
    modelId: 'm1',
    scores: { frustration: 0.5 + (escalation % 9) * 0.05 },
    thresholds: { frustration: 0.5 },
    active: ['frustration'],
    rule: 'frustration',
    priority: 'normal',
  },
});

describe('FeedbackVerdicts', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'verdicts-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds the report once from the feedback file on startup, then counts each stored verdict', async () => {
    const file = join(dir, 'feedback.jsonl');
    const earlier = Array.from({ length: 90 }, (_, i) => verdict(i, i % 30, i % 2 === 0 ? 'aiko' : 'sam', i % 4 !== 0));
    writeFileSync(file, earlier.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const verdicts = new FeedbackVerdicts(new JsonlFeedbackLog(file));
    await verdicts.start();
    const options = { minSamples: 5, labels: ['frustration'] };
    expect(await verdicts.report(options)).toEqual(proposeThresholdsFromFeedback(earlier, options));
    // A replacement stored now: the report follows, and still equals the report from the whole file.
    await verdicts.record(verdict(100, 4, 'aiko', true)); // was false (f64)
    expect(verdicts.verdictOf('e4', 'aiko')?.feedbackId).toBe('f100');
    expect(await verdicts.report(options)).toEqual(proposeThresholdsFromFeedback(await readFeedbackFile(file), options));
    expect((await verdicts.report(options)).verdicts).toBe(30); // e4 by aiko replaced, not added
  });

  it('reads a shared store by change: pages on startup, then only what changed', async () => {
    const log: FeedbackRecord[] = [];
    const asked: (string | undefined)[] = [];
    const feed: FeedbackChangeFeed = {
      changesSince: async (cursor, limit) => {
        asked.push(cursor);
        const from = cursor === undefined ? 0 : Number(cursor);
        const records = log.slice(from, from + limit);
        return { records, cursor: String(from + records.length) };
      },
    };
    const store = { append: async (r: FeedbackRecord) => void log.push(r), readAll: async () => log };
    for (let i = 0; i < 1200; i++) log.push(verdict(i, i % 700, 'aiko', i % 3 !== 0));
    const verdicts = new FeedbackVerdicts(store, feed);
    await verdicts.start();
    expect(asked).toEqual([undefined, '500', '1000']);
    log.push(verdict(2000, 5, 'sam', true)); // another replica's verdict
    asked.length = 0;
    expect((await verdicts.report({ minSamples: 1 })).verdicts).toBe(701);
    expect(asked).toEqual(['1200']);
  });
});
