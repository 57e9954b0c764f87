// The behaviour every ThresholdStore adapter must have, run by each adapter's test file against its backend.
import { isMangaAssistError } from '@mangaassist/common';
import type { ThresholdStoreDeps } from '../store-support';
import { EXPIRY_AUTHOR, type ThresholdAuditEntry, type ThresholdStore } from '../threshold-store';

/** Opens adapter instances that share one backend namespace (same file, schema or key prefix). */
export interface StoreHarness {
  open(deps?: ThresholdStoreDeps): ThresholdStore;
}

const change = (author: string, reason = 'test') => ({ author, reason });
let modelCounter = 0;
const freshModel = () => `model-${process.pid}-${(modelCounter += 1)}`;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Checks that each (label, layer) chain of audit rows links old → new without gap and ends at `current`. */
export function expectConsistentChains(
  rows: readonly ThresholdAuditEntry[],
  current: Record<string, { recommended: number | null; override: number | null }>,
): void {
  const chains = new Map<string, ThresholdAuditEntry[]>();
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
    const key = `${row.label}/${row.layer}`;
    chains.set(key, [...(chains.get(key) ?? []), row]);
  }
  for (const [key, chain] of chains) {
    expect(`${key} starts at ${chain[0]!.oldValue}`).toBe(`${key} starts at null`);
    for (let i = 1; i < chain.length; i += 1) {
      expect(`${key}[${i}].old = ${chain[i]!.oldValue}`).toBe(`${key}[${i}].old = ${chain[i - 1]!.newValue}`);
    }
    const [label, layer] = key.split('/') as [string, 'recommended' | 'override'];
    expect(`${key} ends at ${chain[chain.length - 1]!.newValue}`).toBe(`${key} ends at ${current[label]?.[layer]}`);
  }
}

/** Registers the contract tests for one adapter. */
export function describeThresholdStoreContract(name: string, harness: () => StoreHarness): void {
  describe(`${name} threshold store contract`, () => {
    let store: ThresholdStore;
    let other: ThresholdStore;
    let clockMs = Date.parse('2024-05-01T12:00:00.000Z');
    const now = () => new Date(clockMs);

    beforeAll(() => {
      store = harness().open({ now });
      other = harness().open({ now });
    });

    afterAll(async () => {
      await store.close();
      await other.close();
    });

    it('answers ping and returns nothing for an unknown model', async () => {
      await store.ping();
      const model = freshModel();
      expect(await store.list(model)).toEqual([]);
      expect(await store.getEffective(model)).toEqual({});
      expect(await store.audit(model)).toEqual([]);
    });

    it('keeps recommended values with one audit row per changed label', async () => {
      const model = freshModel();
      clockMs += 1000;
      await store.setRecommended(model, { frustration: 0.35, satisfaction: 0.6 }, change('calibrate', 'fbeta-sweep'));
      expect(await store.getEffective(model)).toEqual({ frustration: 0.35, satisfaction: 0.6 });
      expect(await store.list(model)).toEqual([
        {
          label: 'frustration',
          recommended: 0.35,
          override: null,
          overrideAuthor: null,
          overrideReason: null,
          effective: 0.35,
          updatedAt: now().toISOString(),
        },
        expect.objectContaining({ label: 'satisfaction', recommended: 0.6, effective: 0.6 }),
      ]);
      const audit = await store.audit(model);
      expect(audit).toHaveLength(2);
      expect(audit.map((a) => [a.label, a.layer, a.oldValue, a.newValue, a.author, a.reason, a.modelId, a.at]).sort()).toEqual([
        ['frustration', 'recommended', null, 0.35, 'calibrate', 'fbeta-sweep', model, now().toISOString()],
        ['satisfaction', 'recommended', null, 0.6, 'calibrate', 'fbeta-sweep', model, now().toISOString()],
      ]);
      // Unchanged labels write nothing; a changed one records old → new.
      await store.setRecommended(model, { frustration: 0.35, satisfaction: 0.55 }, change('calibrate'));
      const after = await store.audit(model);
      expect(after).toHaveLength(3);
      expect(after[0]).toMatchObject({ label: 'satisfaction', oldValue: 0.6, newValue: 0.55 });
      expect(after[0]!.id).toBeGreaterThan(after[1]!.id);
    });

    it('lets an override win over the recommended value until it is cleared', async () => {
      const model = freshModel();
      await store.setRecommended(model, { frustration: 0.4 }, change('calibrate'));
      await store.setOverride(model, 'frustration', 0.3, change('ops@example', 'too many misses'));
      await store.setOverride(model, 'urgency', 0.7, change('ops@example', 'no recommendation yet'));
      expect(await store.getEffective(model)).toEqual({ frustration: 0.3, urgency: 0.7 });
      const [frustration, urgency] = await store.list(model);
      expect(frustration).toMatchObject({
        recommended: 0.4,
        override: 0.3,
        overrideAuthor: 'ops@example',
        overrideReason: 'too many misses',
        effective: 0.3,
      });
      expect(urgency).toMatchObject({ recommended: null, override: 0.7, effective: 0.7 });
      await store.setOverride(model, 'frustration', null, change('ops@example', 'back to calibration'));
      expect(await store.getEffective(model)).toEqual({ frustration: 0.4, urgency: 0.7 });
      expect((await store.list(model))[0]).toMatchObject({ override: null, overrideAuthor: null, overrideReason: null });
      expect((await store.audit(model, { limit: 1 }))[0]).toMatchObject({
        label: 'frustration',
        layer: 'override',
        oldValue: 0.3,
        newValue: null,
        author: 'ops@example',
        reason: 'back to calibration',
      });
      // Clearing an override that is not set changes nothing.
      await store.setOverride(model, 'neutral', null, change('ops@example'));
      expect((await store.list(model)).map((l) => l.label)).toEqual(['frustration', 'urgency']);
      expect(await store.audit(model)).toHaveLength(4);
    });

    it('returns audit rows newest first and honours the limit', async () => {
      const model = freshModel();
      for (const value of [0.1, 0.2, 0.3, 0.4]) await store.setOverride(model, 'neutral', value, change('ops'));
      const rows = await store.audit(model, { limit: 3 });
      expect(rows.map((r) => r.newValue)).toEqual([0.4, 0.3, 0.2]);
      expect(rows.map((r) => r.oldValue)).toEqual([0.3, 0.2, 0.1]);
    });

    it('round-trips doubles exactly and keeps models apart', async () => {
      const a = freshModel();
      const b = freshModel();
      const value = 0.1 + 0.2; // 0.30000000000000004
      await store.setRecommended(a, { confusion: value, churn_risk: 1e-7 }, change('calibrate'));
      await store.setRecommended(b, { confusion: 0.5 }, change('calibrate'));
      expect(await other.getEffective(a)).toEqual({ churn_risk: 1e-7, confusion: value });
      expect(await other.getEffective(b)).toEqual({ confusion: 0.5 });
    });

    it('rejects invalid arguments before touching the backend', async () => {
      const model = freshModel();
      await expect(store.setOverride(model, 'frustration', 1, change('ops'))).rejects.toThrow(RangeError);
      await expect(store.setOverride(model, 'frustration', Number.NaN, change('ops'))).rejects.toThrow(RangeError);
      await expect(store.setRecommended(model, { frustration: 0 }, change('ops'))).rejects.toThrow(
        'thresholds.frustration must be a number strictly between 0 and 1, got 0',
      );
      await expect(store.setOverride(model, 'Frustration', 0.5, change('ops'))).rejects.toThrow(TypeError);
      await expect(store.setOverride(model, 'frustration', 0.5, change(' '))).rejects.toThrow('change.author');
      await expect(store.setOverride(model, 'frustration', 0.5, { author: 'ops', reason: '' })).rejects.toThrow('change.reason');
      await expect(store.getEffective('')).rejects.toThrow(TypeError);
      await expect(store.audit(model, { limit: 0 })).rejects.toThrow(RangeError);
      expect(await store.audit(model)).toEqual([]);
    });

    it('loses no update when 20 writers from two instances change the same label at once', async () => {
      const model = freshModel();
      const values = Array.from({ length: 20 }, (_, i) => Math.round((0.05 + i * 0.04) * 100) / 100);
      await Promise.all(
        values.map((value, i) =>
          (i % 2 === 0 ? store : other).setOverride(model, 'frustration', value, change(`writer-${i}`)),
        ),
      );
      const audit = await store.audit(model);
      expect(audit).toHaveLength(20);
      expect(audit.map((a) => a.newValue).sort()).toEqual([...values].sort());
      const [row] = await store.list(model);
      expectConsistentChains(audit, { frustration: { recommended: null, override: row!.override } });
      // The row's author is the author of the last change.
      expect(row!.overrideAuthor).toBe(audit[0]!.author);
    });

    it('loses no update when writers mix labels and layers across two instances', async () => {
      const model = freshModel();
      const labels = ['frustration', 'satisfaction', 'urgency', 'confusion'];
      let next = 0;
      const unique = () => Math.round((0.01 + (next += 1) * 0.011) * 1000) / 1000;
      const writes: Promise<void>[] = [];
      let expectedRows = 0;
      for (let i = 0; i < 20; i += 1) {
        const target = i % 2 === 0 ? store : other;
        if (i % 3 === 0) {
          writes.push(target.setOverride(model, labels[i % labels.length]!, unique(), change(`ops-${i}`)));
          expectedRows += 1;
        } else {
          // Overlapping label sets, in different orders, to provoke lock-order problems.
          const subset = i % 2 === 0 ? labels.slice(0, 3) : [...labels].reverse().slice(0, 3);
          writes.push(target.setRecommended(model, Object.fromEntries(subset.map((l) => [l, unique()])), change(`ml-${i}`)));
          expectedRows += subset.length;
        }
      }
      await Promise.all(writes);
      const audit = await other.audit(model);
      expect(audit).toHaveLength(expectedRows);
      expect(new Set(audit.map((a) => a.id)).size).toBe(expectedRows);
      const current = Object.fromEntries((await store.list(model)).map((l) => [l.label, l]));
      expectConsistentChains(audit, current);
    });

    it('keeps a temporary override until its expiry, then ignores it and reverts it exactly once', async () => {
      const model = freshModel();
      await store.setRecommended(model, { frustration: 0.35 }, change('calibrate'));
      const expiresAt = new Date(clockMs + 60_000);
      await store.setOverride(model, 'frustration', 0.3, change('ops@example', 'known outage'), { expiresAt });
      expect(await other.getEffective(model)).toEqual({ frustration: 0.3 });
      expect((await other.list(model))[0]).toMatchObject({ override: 0.3, overrideExpiresAt: expiresAt.toISOString(), effective: 0.3 });
      expect((await store.audit(model, { limit: 1 }))[0]).toMatchObject({ oldValue: null, newValue: 0.3, expiresAt: expiresAt.toISOString() });
      // Nothing has expired yet.
      expect(await store.expireOverrides!(model)).toEqual([]);

      clockMs += 60_000;
      // Past the expiry the override is not read any more, before any process has cleared it.
      expect(await other.getEffective(model)).toEqual({ frustration: 0.35 });
      const [row] = await other.list(model);
      expect(row).toMatchObject({ override: null, overrideAuthor: null, overrideReason: null, effective: 0.35 });
      expect(row).not.toHaveProperty('overrideExpiresAt');

      // Several processes revert at once: one audit row in all.
      const results = await Promise.all([store, other, store, other].map((s) => s.expireOverrides!(model)));
      expect(results.flat()).toHaveLength(1);
      const [revert] = results.flat();
      expect(revert).toMatchObject({ label: 'frustration', layer: 'override', oldValue: 0.3, newValue: null, author: EXPIRY_AUTHOR });
      expect(revert!.reason).toBe(`temporary override expired at ${expiresAt.toISOString()} (was set by ops@example: known outage)`);
      const audit = await other.audit(model);
      expect(audit.filter((a) => a.author === EXPIRY_AUTHOR)).toHaveLength(1);
      expect(audit[0]).toMatchObject({ id: revert!.id, newValue: null });
      expect(audit[0]).not.toHaveProperty('expiresAt');
      expectConsistentChains(audit, { frustration: { recommended: 0.35, override: null } });
      expect(await other.expireOverrides!(model)).toEqual([]);
    });

    it('records the revert of an expired override before a new change of it, and refuses a past expiry', async () => {
      const model = freshModel();
      await store.setOverride(model, 'urgency', 0.6, change('ops'), { expiresAt: new Date(clockMs + 1000) });
      clockMs += 2000;
      await other.setOverride(model, 'urgency', 0.6, change('ops', 'again, for good'));
      const audit = await store.audit(model);
      expect(audit.map((a) => [a.oldValue, a.newValue, a.author])).toEqual([
        [null, 0.6, 'ops'],
        [0.6, null, EXPIRY_AUTHOR],
        [null, 0.6, 'ops'],
      ]);
      expect((await store.list(model))[0]).not.toHaveProperty('overrideExpiresAt');
      expect(await store.expireOverrides!(model)).toEqual([]);
      // The same value with an expiry is a change (it becomes temporary); without one again, too.
      await store.setOverride(model, 'urgency', 0.6, change('ops', 'until the fix'), { expiresAt: new Date(clockMs + 5000) });
      expect((await store.list(model))[0]).toMatchObject({ override: 0.6, overrideExpiresAt: new Date(clockMs + 5000).toISOString() });
      expect(await store.audit(model)).toHaveLength(4);
      await expect(store.setOverride(model, 'urgency', 0.5, change('ops'), { expiresAt: new Date(clockMs) })).rejects.toThrow(
        /expiresAt must be later than now/,
      );
      await expect(store.setOverride(model, 'urgency', 0.5, change('ops'), { expiresAt: new Date(Number.NaN) })).rejects.toThrow(TypeError);
      expect(await store.audit(model)).toHaveLength(4);
    });

    it('keeps a churn phrase list per model with an audit row per change', async () => {
      const model = freshModel();
      expect(await store.getChurnPhrases!(model)).toBeNull();
      expect(await store.churnPhraseAudit!(model)).toEqual([]);
      clockMs += 1000;
      await store.setChurnPhrases!(model, ['cancel', 'never again', 'unsubscrib*'], change('ops@example', 'add unsubscribe'));
      expect(await other.getChurnPhrases!(model)).toEqual({
        phrases: ['cancel', 'never again', 'unsubscrib*'],
        author: 'ops@example',
        reason: 'add unsubscribe',
        updatedAt: now().toISOString(),
      });
      // The same list again writes nothing; another one records old → new.
      await other.setChurnPhrases!(model, ['cancel', 'never again', 'unsubscrib*'], change('ops'));
      await other.setChurnPhrases!(model, ['cancel', '<img src=x onerror=alert(1)>'], change('lead', 'hostile text is data'));
      const audit = await store.churnPhraseAudit!(model);
      expect(audit.map((a) => [a.oldPhrases, a.newPhrases, a.author, a.reason])).toEqual([
        [['cancel', 'never again', 'unsubscrib*'], ['cancel', '<img src=x onerror=alert(1)>'], 'lead', 'hostile text is data'],
        [null, ['cancel', 'never again', 'unsubscrib*'], 'ops@example', 'add unsubscribe'],
      ]);
      expect(audit[0]!.id).toBeGreaterThan(audit[1]!.id);
      expect(await store.churnPhraseAudit!(model, { limit: 1 })).toHaveLength(1);
      expect(await store.getChurnPhrases!(freshModel())).toBeNull();
      await expect(store.setChurnPhrases!(model, [], change('ops'))).rejects.toThrow(TypeError);
      await expect(store.setChurnPhrases!(model, ['ok', ' '], change('ops'))).rejects.toThrow('phrases[1]');
      await expect(store.setChurnPhrases!(model, ['ok'], change(''))).rejects.toThrow('change.author');
      expect(await store.churnPhraseAudit!(model)).toHaveLength(2);
    });

    it('keeps data when a new instance opens the same backend', async () => {
      const model = freshModel();
      await store.setOverride(model, 'neutral', 0.45, change('ops'));
      const reopened = harness().open();
      try {
        expect(await reopened.getEffective(model)).toEqual({ neutral: 0.45 });
      } finally {
        await reopened.close();
      }
    });

    it('fails with STORE_UNAVAILABLE once closed', async () => {
      const closing = harness().open();
      await closing.ping();
      await closing.close();
      expect(isMangaAssistError(await rejection(closing.getEffective(freshModel())), 'STORE_UNAVAILABLE')).toBe(true);
    });
  });
}
