import { createRng } from '@mangaassist/common';
import { findNearDuplicates } from './near-duplicates';

// Exact Jaccard of word 3-shingle sets, the definition the MinHash search must agree with.
function jaccard3(a: string, b: string): number {
  const shingles = (text: string) => {
    const words = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
    if (words.length <= 3) return new Set([words.join(' ')]);
    return new Set(words.slice(0, -2).map((_, i) => words.slice(i, i + 3).join(' ')));
  };
  const [x, y] = [shingles(a), shingles(b)];
  const shared = [...x].filter((s) => y.has(s)).length;
  return shared / (x.size + y.size - shared);
}

describe('findNearDuplicates', () => {
  it('finds a reworded repeat and points at the first occurrence', () => {
    const texts = [
      'my order 12345 has not arrived and it is a gift for my son on friday',
      'the box was crushed and the figure inside is broken',
      'My order 12345 has not arrived and it is a gift for my son on Friday!!',
      'hello',
      'Hello.',
    ];
    const result = findNearDuplicates(texts);
    expect(Array.from(result.duplicateOf)).toEqual([-1, -1, 0, -1, 3]);
    expect(result.count).toBe(2);
  });

  it('agrees with exact Jaccard on random word soups around the threshold', () => {
    const rng = createRng(11);
    const vocabulary = 'order late box book volume ship refund please thanks where figure gift card store again still today'.split(' ');
    const base = Array.from({ length: 40 }, () => Array.from({ length: 14 }, () => rng.pick(vocabulary)));
    // Each base text plus a copy with 0–3 words changed: Jaccard spans roughly 0.4–1.
    const texts = base.flatMap((words) => {
      const copy = words.slice();
      for (let k = rng.int(0, 3); k > 0; k--) copy[rng.int(0, copy.length - 1)] = rng.pick(['xylophone', 'zebra', 'quartz']);
      return [words.join(' '), copy.join(' ')];
    });
    const result = findNearDuplicates(texts, { threshold: 0.8 });
    const similar = base.map((_, k) => jaccard3(texts[2 * k]!, texts[2 * k + 1]!) >= 0.8);
    expect(similar.filter(Boolean).length).toBeGreaterThan(5);
    expect(similar.filter((x) => !x).length).toBeGreaterThan(5);
    for (let i = 1; i < texts.length; i += 2) {
      const expected = similar[(i - 1) / 2];
      if (expected) expect(result.duplicateOf[i]).not.toBe(-1);
      if (result.duplicateOf[i] !== -1) expect(jaccard3(texts[result.duplicateOf[i]]!, texts[i]!)).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('rejects a threshold outside (0, 1]', () => {
    expect(() => findNearDuplicates([], { threshold: 0 })).toThrow('threshold must be in (0, 1], got 0');
  });
});
