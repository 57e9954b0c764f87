import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFeedbackCalibration } from './calibrate-from-feedback';

const verdict = (i: number, score: number, correct: boolean) => ({
  feedbackId: `f${i}`,
  at: '2025-01-01T00:00:00Z',
  correct,
  agent: null,
  note: null,
  escalation: {
    escalationId: `e${i}`,
    at: '2025-01-01T00:00:00Z',
    modelId: 'manga-v1',
    scores: { frustration: score },
    thresholds: { frustration: 0.5 },
    active: ['frustration'],
    rule: 'frustration',
    priority: 'normal',
  },
});

describe('calibrate --from-feedback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'calibrate-feedback-'));
  const file = join(dir, 'feedback.jsonl');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Escalations scored 0.5–0.65 were false alarms, 0.8–0.95 right: 4 of 8 false (50% > 20%).
  const records = [0.52, 0.55, 0.6, 0.65].map((s, i) => verdict(i, s, false)).concat([0.8, 0.85, 0.9, 0.95].map((s, i) => verdict(i + 4, s, true)));
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n'));

  it('proposes raising a threshold whose false-positive rate is above the target, reading the store', async () => {
    const report = await runFeedbackCalibration({ fromFeedback: file, minSamples: '4', store: `sqlite:${join(dir, 't.db')}` });
    const frustration = report.proposals.find((p) => p.label === 'frustration');
    expect(frustration).toMatchObject({ modelId: 'manga-v1', samples: 8, falsePositives: 4, status: 'raise' });
    // Above 0.625 only the 0.65 false alarm is left: 1 of 5 = 20%, the target; the proposal sits between scores.
    expect(frustration!.proposedThreshold).toBeCloseTo(0.625, 6);
  });

  it('rejects a target false-positive rate outside (0, 1)', async () => {
    await expect(runFeedbackCalibration({ fromFeedback: file, targetFpRate: '1.5' })).rejects.toThrow('--target-fp-rate must be in (0, 1)');
  });
});
