import { DEFAULT_LABELS } from './config';
import { guidelineLabelSet } from './label-set';

const LABELS = [...DEFAULT_LABELS];
const set = (...names: string[]) => LABELS.map((label) => names.includes(label));
const names = (on: readonly boolean[]) => LABELS.filter((_, j) => on[j]);

describe('guidelineLabelSet', () => {
  it('drops neutral beside any other label', () => {
    expect(names(guidelineLabelSet(LABELS, set('frustration', 'neutral')))).toEqual(['frustration']);
    expect(names(guidelineLabelSet(LABELS, set('urgency', 'confusion', 'neutral')))).toEqual(['urgency', 'confusion']);
  });

  it('answers neutral when no label reached its threshold', () => {
    expect(names(guidelineLabelSet(LABELS, set()))).toEqual(['neutral']);
  });

  it('leaves a set the guidelines allow as decided', () => {
    for (const allowed of [['neutral'], ['frustration'], ['frustration', 'churn_risk'], ['satisfaction', 'confusion']]) {
      expect(names(guidelineLabelSet(LABELS, set(...allowed)))).toEqual(allowed);
    }
  });

  it('never changes a label other than neutral, so escalation labels keep their threshold decisions', () => {
    // Every one of the 64 decisions over six labels: the first five columns pass through untouched.
    for (let bits = 0; bits < 64; bits++) {
      const on = LABELS.map((_, j) => ((bits >> j) & 1) === 1);
      const out = guidelineLabelSet(LABELS, on);
      expect(out.slice(0, 5)).toEqual(on.slice(0, 5));
      expect(out[5]).toBe(on.slice(0, 5).every((v) => !v));
    }
  });

  it('reads 0/1 decisions and leaves a schema without neutral as decided', () => {
    expect(guidelineLabelSet(LABELS, Uint8Array.of(1, 0, 0, 0, 0, 1))).toEqual(set('frustration'));
    expect(guidelineLabelSet(['anger', 'joy'], [false, false])).toEqual([false, false]);
  });

  it('refuses decisions that do not match the labels', () => {
    expect(() => guidelineLabelSet(LABELS, [true])).toThrow('1 decisions for 6 labels');
  });
});
