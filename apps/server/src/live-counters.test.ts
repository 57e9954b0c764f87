import { histogramQuantile, LATENCY_BOUNDS_MS, LiveCounters } from './live-counters';

const MINUTE = 60_000;

describe('LiveCounters', () => {
  let now = 1_000 * MINUTE + 5_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000 * MINUTE + 5_000;
  });

  it('counts escalations by label and priority, the active-label mix and 429s in the current minute', () => {
    const live = new LiveCounters(10, clock);
    live.escalation(['frustration', 'churn_risk'], 'high');
    live.escalation(['frustration'], 'normal');
    live.classified(['frustration', 'churn_risk']);
    live.classified([]);
    live.request(200, 3);
    live.request(429);
    const { minutes, totals } = live.snapshot(3);
    expect(minutes.map((m) => m.at)).toEqual([998, 999, 1000].map((m) => new Date(m * MINUTE).toISOString()));
    expect(minutes[2]).toMatchObject({
      escalationsByLabel: { frustration: 2, churn_risk: 1 },
      escalationsByPriority: { high: 1, normal: 1 },
      activeLabels: { frustration: 1, churn_risk: 1 },
      texts: 2,
      requests: 2,
      tooManyRequests: 1,
    });
    expect(minutes[0]).toMatchObject({ texts: 0, requests: 0, escalationsByLabel: {}, p50Ms: null });
    expect(totals).toMatchObject({ requests: 2, tooManyRequests: 1, tooManyRate: 0.5, escalationsByLabel: { frustration: 2, churn_risk: 1 } });
  });

  it('keeps each minute apart and sums them in the totals', () => {
    const live = new LiveCounters(10, clock);
    live.escalation(['frustration'], 'normal');
    now += MINUTE;
    live.escalation(['frustration'], 'normal');
    live.escalation(['churn_risk'], 'normal');
    const { minutes, totals } = live.snapshot(2);
    expect(minutes.map((m) => m.escalationsByLabel)).toEqual([{ frustration: 1 }, { frustration: 1, churn_risk: 1 }]);
    expect(totals.escalationsByPriority).toEqual({ normal: 3 });
  });

  it('forgets a minute once its slot comes round again (memory stays bounded)', () => {
    const live = new LiveCounters(3, clock);
    live.escalation(['frustration'], 'normal');
    now += 3 * MINUTE; // same slot, a later minute
    live.escalation(['churn_risk'], 'normal');
    expect(live.snapshot(3).totals.escalationsByLabel).toEqual({ churn_risk: 1 });
    // A minute not written since its slot was reused reads as zero, not as the older data.
    now += MINUTE;
    expect(live.snapshot(3).minutes.map((m) => m.escalationsByLabel)).toEqual([{}, { churn_risk: 1 }, {}]);
  });

  it('keeps the highest queue depth of the minute', () => {
    const live = new LiveCounters(5, clock);
    live.queueDepth(4);
    live.queueDepth(9);
    live.queueDepth(1);
    expect(live.snapshot(1).minutes[0]?.maxQueueDepth).toBe(9);
  });

  it('answers latency quantiles from the per-minute histogram', () => {
    const live = new LiveCounters(5, clock);
    for (let i = 0; i < 99; i++) live.request(200, 2); // bucket (1, 2.5]
    live.request(200, 400); // bucket (250, 500]
    const { p50Ms, p99Ms } = live.snapshot(1).totals;
    expect(p50Ms).toBeGreaterThan(1);
    expect(p50Ms).toBeLessThanOrEqual(2.5);
    expect(p99Ms).toBeLessThanOrEqual(2.5);
    live.request(200, 400);
    expect(live.snapshot(1).totals.p99Ms).toBeGreaterThan(250);
  });

  it('refuses a window longer than it keeps, naming the field', () => {
    const live = new LiveCounters(5, clock);
    expect(() => live.snapshot(6)).toThrow(/minutes must be a whole number from 1 to 5, got 6/);
    expect(() => live.snapshot(0)).toThrow(/minutes/);
    expect(() => new LiveCounters(0)).toThrow(/capacity/);
  });
});

describe('histogramQuantile', () => {
  const counts = (at: Record<number, number>) => LATENCY_BOUNDS_MS.map((_b, i) => at[i] ?? 0);

  it('is null without observations', () => {
    expect(histogramQuantile(counts({}), 0.5)).toBeNull();
  });

  it('interpolates inside the bucket the rank falls in', () => {
    // 10 observations in (10, 25]: the median is half-way through it.
    expect(histogramQuantile(counts({ 4: 10 }), 0.5)).toBeCloseTo(17.5, 6);
  });

  it('answers the lower bound of the open last bucket', () => {
    expect(histogramQuantile(counts({ [LATENCY_BOUNDS_MS.length - 1]: 1 }), 0.99)).toBe(10000);
  });
});
