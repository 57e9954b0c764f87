import { TfidfVectorizer } from './tfidf';

describe('TfidfVectorizer', () => {
  // Reference: scikit-learn TfidfVectorizer(sublinear_tf=True, smooth_idf=True, norm='l2', min_df=1) on words only.
  it('computes sublinear tf × smoothed idf, unit-normalised, over the fitted vocabulary', () => {
    const docs = ['late late order', 'order arrived', 'thanks'];
    const tfidf = new TfidfVectorizer({ minDf: 1, wordNgrams: [1, 1], charNgrams: null }).fit(docs);
    expect(tfidf.size).toBe(4); // arrived, late, order, thanks
    const [row] = tfidf.transform(['late late order zebra']);
    const idf = (df: number) => Math.log((1 + 3) / (1 + df)) + 1;
    const late = (1 + Math.log(2)) * idf(1);
    const order = 1 * idf(2);
    const norm = Math.hypot(late, order);
    // Vocabulary is sorted: arrived(0), late(1), order(2), thanks(3); "zebra" was never seen.
    expect(Array.from(row!.indices)).toEqual([1, 2]);
    expect(row!.values[0]).toBeCloseTo(late / norm, 6);
    expect(row!.values[1]).toBeCloseTo(order / norm, 6);
  });

  it('adds bigrams, emoji and !/? tokens, and character n-grams inside word boundaries', () => {
    const tfidf = new TfidfVectorizer({ minDf: 1, wordNgrams: [1, 2], charNgrams: [3, 3] }).fit(['so late!! 😡']);
    const [row] = tfidf.transform(['so late!! 😡']);
    // words: so, late, !, !, 😡 (4 distinct unigrams, 4 bigrams); char 3-grams by code point:
    // " so", "so ", " la", "lat", "ate", "te ", " ! ", " 😡 "
    expect(tfidf.size).toBe(4 + 4 + 8);
    expect(row!.indices.length).toBe(tfidf.size);
    expect(row!.values.reduce((sum, v) => sum + v * v, 0)).toBeCloseTo(1, 6);
  });

  it('drops features rarer than minDf', () => {
    expect(new TfidfVectorizer({ minDf: 2, charNgrams: null, wordNgrams: [1, 1] }).fit(['a b', 'b c', 'b d']).size).toBe(1);
  });
});
