import { BERT_MASKING, checkMaskingOptions, maskSequence, type MlmMaskingOptions } from './mlm-masking';

const SPECIAL = new Set([0, 1, 2, 3, 4]);
const OPTIONS: MlmMaskingOptions = { maskId: 4, vocabSize: 1000, specialIds: SPECIAL };

/** `[CLS] t… [SEP] [PAD] [PAD]`, with ordinary ids from 5 to 999. */
function sequence(length: number, offset: number): number[] {
  return [2, ...Array.from({ length }, (_, i) => 5 + ((i * 37 + offset * 11) % 995)), 3, 0, 0];
}

describe('maskSequence', () => {
  it('follows BERT: 15% of non-special tokens, of which 80% [MASK], 10% random, 10% unchanged', () => {
    let eligible = 0;
    let targets = 0;
    let masked = 0;
    let random = 0;
    let unchanged = 0;
    let violations = 0;
    for (let s = 0; s < 2000; s++) {
      const ids = sequence(60, s);
      const out = maskSequence(ids, OPTIONS, s);
      eligible += 60;
      targets += out.positions.length;
      const chosen = new Set(out.positions);
      out.positions.forEach((p, i) => {
        if (SPECIAL.has(ids[p]!) || out.labels[i] !== ids[p]) violations++;
        if (out.inputIds[p] === 4) masked++;
        else if (out.inputIds[p] === ids[p]) unchanged++;
        else random++;
      });
      // Nothing but the targets changes, and special tokens never do.
      ids.forEach((id, p) => {
        if (!chosen.has(p) && out.inputIds[p] !== id) violations++;
      });
    }
    expect(violations).toBe(0);
    // 120,000 eligible tokens: the standard error of the 15% share is 0.1%, of the 80/10/10 shares under 0.4%.
    expect(Math.abs(targets / eligible - 0.15)).toBeLessThan(0.005);
    expect(Math.abs(masked / targets - 0.8)).toBeLessThan(0.015);
    // A random draw equal to the original (1 in 995) counts as unchanged.
    expect(Math.abs(random / targets - 0.1 * (994 / 995))).toBeLessThan(0.01);
    expect(Math.abs(unchanged / targets - 0.1)).toBeLessThan(0.01);
  });

  it('draws random replacements from the non-special vocabulary only', () => {
    const options = { ...OPTIONS, vocabSize: 8, maskFraction: 0, randomFraction: 1 };
    const seen = new Set<number>();
    for (let s = 0; s < 300; s++) {
      const out = maskSequence([2, 5, 6, 7, 5, 6, 7, 3], options, s);
      out.positions.forEach((p) => seen.add(out.inputIds[p]!));
    }
    expect([...seen].sort()).toEqual([5, 6, 7]);
  });

  it('is a function of the ids, the options and the seed', () => {
    const ids = sequence(40, 3);
    const a = maskSequence(ids, OPTIONS, 11);
    expect(maskSequence(ids, OPTIONS, 11)).toEqual(a);
    const b = maskSequence(ids, OPTIONS, 12);
    expect([...b.positions]).not.toEqual([...a.positions]);
    // Positions come out ascending, one label each.
    expect([...a.positions]).toEqual([...a.positions].sort((x, y) => x - y));
    expect(a.labels.length).toBe(a.positions.length);
  });

  it('chooses one token when asked to and the draw chose none, never a special one', () => {
    const ids = [2, 9, 3];
    const seeds = Array.from({ length: 50 }, (_, s) => s).filter((s) => maskSequence(ids, OPTIONS, s).positions.length === 0);
    expect(seeds.length).toBeGreaterThan(0);
    for (const s of seeds) expect([...maskSequence(ids, OPTIONS, s, true).positions]).toEqual([1]);
    expect(maskSequence([2, 3, 0], OPTIONS, 1, true).positions.length).toBe(0);
  });

  it('rejects rates out of range, naming the option', () => {
    expect(() => checkMaskingOptions({ ...OPTIONS, probability: 0 })).toThrow(/probability must be in \(0, 1\)/);
    expect(() => checkMaskingOptions({ ...OPTIONS, maskFraction: 0.95 })).toThrow(/maskFraction and randomFraction/);
    expect(() => checkMaskingOptions({ ...OPTIONS, maskId: 1000 })).toThrow(/maskId must be an id in \[0, 1000\)/);
    expect(() => checkMaskingOptions({ ...OPTIONS, ...BERT_MASKING })).not.toThrow();
  });
});
