import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeedbackRecord } from './feedback-record';
import { feedbackReportFromFile } from './feedback-report';

const verdict = (i: number, score: number, correct: boolean): FeedbackRecord => ({
  feedbackId: `f${i}`,
  at: `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`,
  correct,
  agent: null,
  note: null,
  escalation: {
    escalationId: `e${i}`,
    at: '2025-01-01T00:00:00Z',
    modelId: 'm1',
    scores: { frustration: score },
    thresholds: { frustration: 0.5 },
    active: ['frustration'],
    rule: 'frustration',
    priority: 'normal',
  },
});

describe('feedbackReportFromFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feedback-report-'));
  const file = join(dir, 'feedback.jsonl');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // 0.55 and 0.6 are false alarms, 0.8 and 0.9 right.
  writeFileSync(file, [verdict(1, 0.55, false), verdict(2, 0.6, false), verdict(3, 0.8, true), verdict(4, 0.9, true)].map((r) => JSON.stringify(r)).join('\n'));

  it('uses the thresholds recorded with the escalations without a store', async () => {
    const report = await feedbackReportFromFile(file, { minSamples: 2, labels: ['frustration'] });
    expect(report.proposals[0]).toMatchObject({ currentThreshold: 0.5, samples: 4, status: 'raise', proposedThreshold: 0.7 });
  });

  it("uses the store's current thresholds when given one", async () => {
    const asked: string[] = [];
    const store = { getEffective: async (id: string) => (asked.push(id), { frustration: 0.58 }) };
    const report = await feedbackReportFromFile(file, { minSamples: 2, labels: ['frustration'], store });
    expect(asked).toEqual(['m1']);
    // At 0.58 the 0.55 false alarm is already gone: 1 of 3 left (33%) is above 20%.
    expect(report.proposals[0]).toMatchObject({ currentThreshold: 0.58, samples: 3, falsePositives: 1, proposedThreshold: 0.7 });
  });
});
