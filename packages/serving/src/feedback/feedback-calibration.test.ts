import { formatFeedbackReport, proposeThresholdsFromFeedback } from './feedback-calibration';
import type { FeedbackRecord } from './feedback-record';

let seq = 0;
function verdict(score: number, correct: boolean, options: { label?: string; modelId?: string; threshold?: number; id?: string; at?: string } = {}): FeedbackRecord {
  const label = options.label ?? 'frustration';
  seq += 1;
  return {
    feedbackId: `f${seq}`,
    at: options.at ?? new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
    correct,
    agent: 'agent-1',
    note: null,
    escalation: {
      escalationId: options.id ?? `e${seq}`,
      at: '2025-01-01T00:00:00.000Z',
      modelId: options.modelId ?? 'm1',
      scores: { [label]: score },
      thresholds: { [label]: options.threshold ?? 0.5 },
      active: [label],
      rule: label,
      priority: 'normal',
    },
  };
}

describe('proposeThresholdsFromFeedback', () => {
  it('raises a threshold to the lowest value meeting the target, with what it costs', () => {
    // Scores 0.50..0.69: the ten lowest are false alarms except 0.52; the ten highest are right except 0.65.
    const records = Array.from({ length: 20 }, (_, i) => {
      const score = 0.5 + i / 100;
      const correct = i >= 10 ? i !== 15 : i === 2;
      return verdict(score, correct);
    });
    const report = proposeThresholdsFromFeedback(records, { targetFalsePositiveRate: 0.2, minSamples: 10, labels: ['frustration'] });
    const [p] = report.proposals;
    expect(p).toMatchObject({ modelId: 'm1', label: 'frustration', samples: 20, falsePositives: 10, status: 'raise', currentThreshold: 0.5 });
    expect(p!.falsePositiveRate).toBeCloseTo(0.5, 12);
    // By hand: keeping scores >= 0.58 leaves 12 escalations, 3 false (0.58, 0.59, 0.65) = 25%;
    // keeping >= 0.59 leaves 11, 2 false (0.59, 0.65) = 18.2% <= 20%, and loses the right one at 0.52.
    expect(p!.proposedThreshold).toBeCloseTo(0.585, 9);
    expect(p!.projected).toEqual({ escalations: 11, falsePositives: 2, falsePositiveRate: 2 / 11, truePositivesLost: 1 });
  });

  it('matches a brute-force search on random feedback', () => {
    let state = 7;
    const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const records = Array.from({ length: 40 }, () => {
        const score = 0.4 + 0.6 * rand();
        return verdict(Math.round(score * 100) / 100, rand() < score - 0.2, { threshold: 0.4 });
      });
      const target = 0.25;
      const [p] = proposeThresholdsFromFeedback(records, { targetFalsePositiveRate: target, minSamples: 5, labels: ['frustration'] }).proposals;
      const scores = [...new Set(records.map((r) => r.escalation.scores.frustration!))].sort((a, b) => a - b);
      const fpAt = (t: number) => {
        const kept = records.filter((r) => r.escalation.scores.frustration! >= t);
        return { kept: kept.length, fp: kept.filter((r) => !r.correct).length };
      };
      const overall = fpAt(0.4);
      if (overall.fp / overall.kept <= target) {
        expect(p!.status).toBe('keep');
        continue;
      }
      const best = scores.slice(1).find((s) => fpAt(s).fp / fpAt(s).kept <= target);
      if (best === undefined) {
        expect(p!.status).toBe('unreachable');
      } else {
        expect(p!.status).toBe('raise');
        // The proposal separates the same escalations as the brute-force cut.
        expect(fpAt(p!.proposedThreshold!)).toEqual(fpAt(best));
        expect(p!.proposedThreshold!).toBeLessThanOrEqual(best);
      }
    }
  });

  it('keeps a threshold within target and refuses to propose on too little data', () => {
    const good = Array.from({ length: 10 }, (_, i) => verdict(0.6 + i / 100, i !== 0));
    const [keep] = proposeThresholdsFromFeedback(good, { minSamples: 10, labels: ['frustration'] }).proposals;
    expect(keep).toMatchObject({ status: 'keep', proposedThreshold: null, falsePositives: 1 });
    const [few] = proposeThresholdsFromFeedback(good.slice(0, 3), { minSamples: 10, labels: ['frustration'] }).proposals;
    expect(few).toMatchObject({ status: 'insufficient-data', samples: 3 });
  });

  it('reports unreachable when the highest scores are false alarms', () => {
    const records = [0.6, 0.7, 0.8, 0.9].map((s) => verdict(s, false));
    const [p] = proposeThresholdsFromFeedback(records, { minSamples: 2, labels: ['frustration'] }).proposals;
    expect(p).toMatchObject({ status: 'unreachable', proposedThreshold: null });
  });

  it('keeps the latest verdict per escalation, separates models and uses given current thresholds', () => {
    const records = [
      verdict(0.9, false, { id: 'same', at: '2025-01-01T00:00:00Z' }),
      verdict(0.9, true, { id: 'same', at: '2025-01-02T00:00:00Z' }),
      verdict(0.6, false, { modelId: 'm2' }),
      verdict(0.7, true, { modelId: 'm2' }),
    ];
    const report = proposeThresholdsFromFeedback(records, { minSamples: 1, labels: ['frustration'], current: { m2: { frustration: 0.65 } } });
    expect(report.verdicts).toBe(3);
    expect(report.proposals.map((p) => [p.modelId, p.samples, p.falsePositives, p.currentThreshold])).toEqual([
      ['m1', 1, 0, 0.5],
      ['m2', 1, 0, 0.65], // 0.6 would no longer escalate at 0.65
    ]);
  });

  it('formats a table naming each label, and says it is a report only', () => {
    const text = formatFeedbackReport(proposeThresholdsFromFeedback([verdict(0.7, false)], { minSamples: 1 }));
    expect(text).toMatch(/Report only/);
    expect(text).toMatch(/m1\s+frustration\s+1\s+1\s+100\.0%\s+0\.500\s+-\s+unreachable/);
    expect(text).toMatch(/m1\s+churn_risk\s+0\s+0/);
  });

  it('validates its options', () => {
    expect(() => proposeThresholdsFromFeedback([], { targetFalsePositiveRate: 1 })).toThrow(RangeError);
    expect(() => proposeThresholdsFromFeedback([], { minSamples: 0 })).toThrow(/minSamples/);
  });
});
