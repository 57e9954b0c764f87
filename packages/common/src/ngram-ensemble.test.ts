import { NGRAM_ENSEMBLE_PROBABILITY_EPSILON, ngramEnsembleLogit, ngramEnsembleSchema, ngramFeatureRow, savedNgramEnsembleSchema } from './ngram-ensemble';
import { WIDE_BIGRAM_MULTIPLIER, wideBigramHash } from './wide-head';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p) - Math.log(1 - p);
// ln((1 − ε)/ε): the largest logit the mixing rule gives.
const CLAMPED_LOGIT = Math.log((1 - NGRAM_ENSEMBLE_PROBABILITY_EPSILON) / NGRAM_ENSEMBLE_PROBABILITY_EPSILON);

/** The features as a plain map, for readable expectations. */
const asMap = (row: ReturnType<typeof ngramFeatureRow>) => Object.fromEntries(Array.from(row.indices, (index, k) => [index, row.values[k]!]));

describe('ngramFeatureRow', () => {
  const VOCAB = 100;
  const BUCKETS = 13;
  const bucket = (a: number, b: number) => VOCAB + wideBigramHash(a, b, BUCKETS);

  it('counts every unigram and every bigram bucket (offset by the vocabulary size), scaled by 1/√n', () => {
    // 5 real positions, one id twice: [2, 7, 8, 7, 3].
    const row = ngramFeatureRow([2, 7, 8, 7, 3], [1, 1, 1, 1, 1], VOCAB, BUCKETS);
    const scale = 1 / Math.sqrt(5);
    const expected = new Map<number, number>();
    const add = (feature: number) => expected.set(feature, (expected.get(feature) ?? 0) + 1);
    [2, 7, 8, 7, 3].forEach(add);
    [bucket(2, 7), bucket(7, 8), bucket(8, 7), bucket(7, 3)].forEach(add);
    const sorted = [...expected.keys()].sort((a, b) => a - b);
    expect(Array.from(row.indices)).toEqual(sorted);
    expect(Array.from(row.values)).toEqual(sorted.map((f) => Math.fround(expected.get(f)! * scale)));
    // id 7 appears twice; the bigram buckets are the wide head's hash, moved past the unigram ids.
    expect(asMap(row)[7]).toBeCloseTo(2 * scale, 6);
    expect(bucket(2, 7)).toBe(VOCAB + ((2 * WIDE_BIGRAM_MULTIPLIER + 7) % BUCKETS));
    expect(row.indices.every((f) => f < VOCAB + BUCKETS)).toBe(true);
  });

  it('ignores masked positions and the pairs that touch them, and counts only real positions in the scale', () => {
    const padded = ngramFeatureRow([2, 7, 8, 3, 0, 0], [1, 1, 1, 1, 0, 0], VOCAB, BUCKETS);
    const alone = ngramFeatureRow([2, 7, 8, 3], [1, 1, 1, 1], VOCAB, BUCKETS);
    expect(padded).toEqual(alone);
    expect(asMap(alone)[2]).toBeCloseTo(1 / Math.sqrt(4), 6);
    // A masked position inside the row breaks the pairs on both sides of it.
    const gap = ngramFeatureRow([2, 7, 8, 3], [1, 0, 1, 1], VOCAB, BUCKETS);
    const gapFeatures = asMap(gap);
    expect(gapFeatures[7]).toBeUndefined();
    expect(Object.keys(gapFeatures).map(Number)).toEqual([2, 3, 8, bucket(8, 3)].sort((a, b) => a - b));
    expect(gapFeatures[2]).toBeCloseTo(1 / Math.sqrt(3), 6);
  });

  it('gives an empty row for no real position and a lone unigram for one', () => {
    expect(ngramFeatureRow([0, 0, 0], [0, 0, 0], VOCAB, BUCKETS)).toEqual({ indices: new Int32Array(0), values: new Float32Array(0) });
    expect(asMap(ngramFeatureRow([5], [1], VOCAB, BUCKETS))).toEqual({ 5: 1 });
  });

  it('throws when the ids and the mask differ in length', () => {
    expect(() => ngramFeatureRow([2, 7, 3], [1, 1], VOCAB, BUCKETS)).toThrow(new RangeError('inputIds (3) and attentionMask (2) must have the same length'));
  });
});

describe('ngramEnsembleLogit', () => {
  it('is the logit of the weighted mean of the two probabilities', () => {
    expect(ngramEnsembleLogit(2, -2, 0.5)).toBeCloseTo(0, 12);
    expect(ngramEnsembleLogit(1.5, 1.5, 0.3)).toBeCloseTo(1.5, 12);
    expect(ngramEnsembleLogit(1, -0.5, 0.3)).toBeCloseTo(logit(0.7 * sigmoid(1) + 0.3 * sigmoid(-0.5)), 12);
    // A weight near 0 keeps the network's logit, near 1 the n-gram model's.
    expect(ngramEnsembleLogit(1.2, -3, 1e-9)).toBeCloseTo(1.2, 6);
    expect(ngramEnsembleLogit(1.2, -3, 1 - 1e-9)).toBeCloseTo(-3, 6);
  });

  it('is odd: negating both logits negates the result', () => {
    for (const [a, b, w] of [
      [0.7, -1.3, 0.3],
      [4, 2, 0.5],
      [-6, 0.1, 0.8],
      [20, 25, 0.4],
    ] as const) {
      expect(ngramEnsembleLogit(-a, -b, w)).toBeCloseTo(-ngramEnsembleLogit(a, b, w), 9);
    }
  });

  it('clamps the probability to [ε, 1 − ε], so saturated inputs give ±ln((1 − ε)/ε) and never ±∞', () => {
    expect(NGRAM_ENSEMBLE_PROBABILITY_EPSILON).toBe(2 ** -20);
    expect(Math.fround(1 - NGRAM_ENSEMBLE_PROBABILITY_EPSILON)).toBe(1 - NGRAM_ENSEMBLE_PROBABILITY_EPSILON);
    expect(CLAMPED_LOGIT).toBeCloseTo(13.8629, 4);
    expect(ngramEnsembleLogit(40, 40, 0.5)).toBe(CLAMPED_LOGIT);
    expect(ngramEnsembleLogit(-40, -40, 0.5)).toBe(-CLAMPED_LOGIT);
    expect(ngramEnsembleLogit(Infinity, Infinity, 0.3)).toBe(CLAMPED_LOGIT);
    expect(ngramEnsembleLogit(-Infinity, -Infinity, 0.3)).toBe(-CLAMPED_LOGIT);
    // One saturated model alone does not clamp: the other's share keeps the probability inside.
    expect(Math.abs(ngramEnsembleLogit(40, 0, 0.5))).toBeLessThan(CLAMPED_LOGIT);
    expect(ngramEnsembleLogit(40, 0, 0.5)).toBeCloseTo(logit(0.5 + 0.25), 9);
    // Just inside the clamp the value is the plain logit.
    expect(ngramEnsembleLogit(12, 12, 0.5)).toBeCloseTo(12, 6);
  });
});

describe('ngram ensemble schemas', () => {
  it('is off by default with weight 0.5 over word pieces, and the saved entry is exactly {weight, buckets, features}', () => {
    expect(ngramEnsembleSchema.parse({})).toEqual({ enabled: false, weight: 0.5, features: 'wordpieces', buckets: 2 ** 18, epochs: 30, l2: 1e-5 });
    expect(ngramEnsembleSchema.parse({ features: 'words', c: 64 })).toMatchObject({ features: 'words', c: 64 });
    expect(ngramEnsembleSchema.safeParse({ features: 'letters' }).success).toBe(false);
    expect(ngramEnsembleSchema.safeParse({ c: 0 }).success).toBe(false);
    // A directory saved before `words` existed reads as word pieces.
    expect(savedNgramEnsembleSchema.parse({ weight: 0.3, buckets: 4099 })).toEqual({ weight: 0.3, buckets: 4099, features: 'wordpieces' });
    expect(savedNgramEnsembleSchema.parse({ weight: 0.3, buckets: 4099, features: 'words' })).toEqual({ weight: 0.3, buckets: 4099, features: 'words' });
    for (const bad of [{ weight: 0, buckets: 8 }, { weight: 1, buckets: 8 }, { weight: 0.5, buckets: 0 }, { weight: 0.5, buckets: 8, extra: 1 }, { weight: 0.5, buckets: 8, features: 'chars' }]) {
      expect(savedNgramEnsembleSchema.safeParse(bad).success).toBe(false);
    }
  });
});
