import { createRng } from '@mangaassist/common';
import { proposeThresholdsFromFeedback } from './feedback-calibration';
import type { FeedbackRecord } from './feedback-record';
import { FeedbackReportState } from './feedback-report-state';

const verdict = (
  id: string,
  escalationId: string,
  agent: string | null,
  correct: boolean,
  at: string,
  escalation: { modelId?: string; scores?: Record<string, number>; active?: string[]; thresholds?: Record<string, number> } = {},
): FeedbackRecord => ({
  feedbackId: id,
  at,
  correct,
  agent,
  note: null,
  escalation: {
    escalationId,
    at: '2025-01-01T00:00:00Z',
    modelId: escalation.modelId ?? 'm1',
    scores: escalation.scores ?? { frustration: 0.7 },
    thresholds: escalation.thresholds ?? { frustration: 0.5 },
    active: escalation.active ?? ['frustration'],
    rule: 'frustration',
    priority: 'normal',
  },
});

describe('FeedbackReportState', () => {
  it('replaces an agent’s earlier verdict, adjusting the counts, and keeps other agents’ verdicts', () => {
    const state = new FeedbackReportState();
    state.apply(verdict('f1', 'e1', 'aiko', false, '2025-01-01T00:00:01Z'));
    state.apply(verdict('f2', 'e1', 'jordan', false, '2025-01-01T00:00:02Z'));
    expect(state.report({ minSamples: 1, labels: ['frustration'] }).proposals[0]).toMatchObject({ samples: 2, falsePositives: 2 });
    expect(state.apply(verdict('f3', 'e1', 'aiko', true, '2025-01-01T00:00:03Z'))).toBe(true);
    expect(state.report({ minSamples: 1, labels: ['frustration'] }).proposals[0]).toMatchObject({ samples: 2, falsePositives: 1 });
    expect(state.size).toBe(2);
    expect(state.verdictOf('e1', 'aiko')?.feedbackId).toBe('f3');
    // An older verdict arriving late (another replica's, read back) changes nothing.
    expect(state.apply(verdict('f0', 'e1', 'aiko', false, '2025-01-01T00:00:00Z'))).toBe(false);
    expect(state.report({ minSamples: 1, labels: ['frustration'] }).proposals[0]).toMatchObject({ samples: 2, falsePositives: 1 });
    // The same record twice is one verdict.
    state.apply(verdict('f3', 'e1', 'aiko', true, '2025-01-01T00:00:03Z'));
    expect(state.report({ minSamples: 1 }).verdicts).toBe(2);
  });

  it('after many replacements, reports exactly what the from-scratch report computes from every record', () => {
    const rng = createRng(7);
    const agents = ['aiko', 'jordan', 'sam', null];
    const records: FeedbackRecord[] = [];
    const state = new FeedbackReportState();
    for (let i = 0; i < 3000; i++) {
      const e = rng.int(0, 399);
      const churn = e % 3 === 0;
      // Scores on a coarse grid so that ties between escalations occur; each escalation keeps its own scores.
      const frustration = 0.4 + (e % 13) * 0.045;
      const record = verdict(
        `f${i}`,
        `e${e}`,
        rng.pick(agents),
        rng.chance(0.3 + (e % 13) * 0.05),
        // Mostly increasing times, with late arrivals and ties.
        new Date(Date.UTC(2025, 0, 1) + (i - rng.int(0, 40)) * 1000).toISOString(),
        {
          modelId: e % 5 === 0 ? 'm2' : 'm1',
          scores: { frustration, churn_risk: churn ? 0.5 + (e % 7) * 0.05 : 0.1 },
          active: churn ? ['frustration', 'churn_risk'] : ['frustration'],
          thresholds: { frustration: i < 1500 ? 0.5 : 0.55, churn_risk: 0.45 },
        },
      );
      records.push(record);
      state.apply(record);
      if (i % 500 === 499) {
        for (const options of [{}, { minSamples: 5, targetFalsePositiveRate: 0.3 }, { modelId: 'm2', current: { m2: { frustration: 0.6 } } }]) {
          expect(state.report(options)).toEqual(proposeThresholdsFromFeedback(records, options));
        }
      }
    }
    const final = proposeThresholdsFromFeedback(records, { minSamples: 5 });
    expect(state.report({ minSamples: 5 })).toEqual(final);
    expect(final.verdicts).toBeLessThan(records.length); // replacements happened
    expect(final.proposals.some((p) => p.status === 'raise')).toBe(true);
  });

  it('refuses options out of range like the from-scratch report', () => {
    expect(() => new FeedbackReportState().report({ targetFalsePositiveRate: 1 })).toThrow(RangeError);
    expect(() => new FeedbackReportState().report({ minSamples: 0 })).toThrow(RangeError);
  });
});
