import { createRng } from './prng';
import {
  continuationFlags,
  MAX_PIECES_PER_WORD,
  WORD_BIGRAM_MULTIPLIER,
  wordIdf,
  wordNgramFeatures,
  wordNgramLogits,
  wordPieceCodes,
  wordPieceTablesFault,
  wordTfidfRow,
  type WordPieceTables,
} from './word-ngrams';
import { WIDE_MAX_BUCKETS } from './wide-head';

// A toy vocabulary: ids 0–3 special, then words and continuation pieces.
const TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'un', '##able', '##ness', 'late', 'order', '!', '##s'];
const id = (token: string) => TOKENS.indexOf(token);
const BUCKETS = 97;
const TABLES: WordPieceTables = { continuation: continuationFlags(TOKENS), codes: wordPieceCodes(TOKENS.length, BUCKETS, 3), buckets: BUCKETS };
const code = (token: string) => TABLES.codes[id(token)]!;
const ids = (...tokens: string[]) => tokens.map(id);

describe('word n-gram features', () => {
  it('flags the ## pieces and gives every id a distinct code inside the buckets', () => {
    expect(Array.from(TABLES.continuation)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1]);
    expect(continuationFlags(['##'])[0]).toBe(0); // the bare '##' token is a word of its own
    const codes = wordPieceCodes(30522, 2 ** 18, 0);
    expect(new Set(codes).size).toBe(30522);
    expect(codes.every((c) => c >= 0 && c < 2 ** 18)).toBe(true);
    expect(wordPieceCodes(30522, 2 ** 18, 0)).toEqual(codes);
    expect(wordPieceCodes(30522, 2 ** 18, 1)).not.toEqual(codes);
    expect(() => wordPieceCodes(100, 99, 0)).toThrow(RangeError);
    expect(() => wordPieceCodes(100, WIDE_MAX_BUCKETS + 1, 0)).toThrow(RangeError);
  });

  it('joins each piece with the ## pieces after it, hashes each word by its pieces’ codes and each pair of words', () => {
    // [CLS] un ##able ##ness late order ##s ! [SEP]: five words.
    const words = [code('[CLS]'), code('un') + code('##able') + code('##ness'), code('late'), code('order') + code('##s'), code('!'), code('[SEP]')].map((sum) => sum % BUCKETS);
    const features = wordNgramFeatures(ids('[CLS]', 'un', '##able', '##ness', 'late', 'order', '##s', '!', '[SEP]'), [1, 1, 1, 1, 1, 1, 1, 1, 1], TABLES);
    const bigrams = words.slice(0, -1).map((u, w) => BUCKETS + ((u * WORD_BIGRAM_MULTIPLIER + words[w + 1]!) % BUCKETS));
    expect(features).toEqual([...words, ...bigrams]);
  });

  it('ignores masked positions, and starts a word at the first real position even when it is a ## piece', () => {
    const padded = wordNgramFeatures(ids('[CLS]', 'late', '[SEP]', '[PAD]', '[PAD]'), [1, 1, 1, 0, 0], TABLES);
    expect(padded).toEqual(wordNgramFeatures(ids('[CLS]', 'late', '[SEP]'), [1, 1, 1], TABLES));
    expect(wordNgramFeatures(ids('##s', 'late'), [1, 1], TABLES).slice(0, 2)).toEqual([code('##s') % BUCKETS, code('late') % BUCKETS]);
    expect(wordNgramFeatures(ids('[PAD]'), [0], TABLES)).toEqual([]);
    expect(() => wordNgramFeatures([1, 2], [1], TABLES)).toThrow(RangeError);
    expect(() => wordNgramFeatures([99], [1], TABLES)).toThrow(/outside the word tables/);
  });

  it('finds the first code outside the buckets, then the first flag other than 0 and 1', () => {
    expect(wordPieceTablesFault(TABLES)).toBeUndefined();
    const codes = Int32Array.from(TABLES.codes);
    codes[4] = BUCKETS;
    const continuation = Int32Array.from(TABLES.continuation);
    continuation[2] = 2;
    expect(wordPieceTablesFault({ ...TABLES, continuation })).toEqual({ table: 'continuation', id: 2, value: 2 });
    expect(wordPieceTablesFault({ ...TABLES, codes, continuation })).toEqual({ table: 'codes', id: 4, value: BUCKETS });
    codes[4] = -1;
    expect(wordPieceTablesFault({ ...TABLES, codes })).toEqual({ table: 'codes', id: 4, value: -1 });
  });

  it('stays inside int32 at the largest buckets and the longest word', () => {
    // The largest code sum of one word, then the bigram hash of two such buckets.
    expect(MAX_PIECES_PER_WORD * (WIDE_MAX_BUCKETS - 1)).toBeLessThan(2 ** 31);
    expect((WIDE_MAX_BUCKETS - 1) * WORD_BIGRAM_MULTIPLIER + WIDE_MAX_BUCKETS - 1).toBeLessThan(2 ** 31);
  });
});

describe('wordIdf and wordTfidfRow', () => {
  it('weigh as scikit-learn’s TfidfVectorizer: smoothed idf, features under minDf dropped, rows of unit length', () => {
    const sequences = [[1, 2, 2], [1, 3], [1, 4], [5]];
    const idf = wordIdf(sequences, 4, 2);
    expect(idf).toHaveLength(8);
    // n = 4: feature 1 is in 3 sequences, feature 2 in 1 (dropped), feature 5 in 1 (dropped).
    expect(idf[1]).toBeCloseTo(Math.log(5 / 4) + 1, 6);
    expect(idf[2]).toBe(0);
    expect(idf[0]).toBe(0);
    const row = wordTfidfRow([1, 2, 2, 6], Float32Array.of(0, 2, 0, 0, 0, 0, 1, 0));
    expect(Array.from(row.indices)).toEqual([1, 6]);
    expect(row.values[0]).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(row.values[1]).toBeCloseTo(1 / Math.sqrt(5), 6);
    expect(wordTfidfRow([2], Float32Array.of(0, 1, 0))).toEqual({ indices: new Int32Array(0), values: new Float32Array(0) });
  });
});

describe('wordNgramLogits', () => {
  it('is the bias plus the table applied to the unit-length TF-IDF row, counting a repeated feature twice', () => {
    const rng = createRng(5);
    const labels = 3;
    const table = Float32Array.from({ length: 2 * BUCKETS * labels }, () => rng.next() * 2 - 1);
    const idf = Float32Array.from({ length: 2 * BUCKETS }, () => 1 + rng.next());
    const bias = Float32Array.of(0.1, -0.2, 0.3);
    // 'late late': the word feature appears twice.
    const input = ids('[CLS]', 'late', 'late', '[SEP]');
    const features = wordNgramFeatures(input, [1, 1, 1, 1], TABLES);
    const counts = new Map<number, number>();
    for (const f of features) counts.set(f, (counts.get(f) ?? 0) + 1);
    expect(counts.get(code('late') % BUCKETS)).toBe(2);
    const norm = Math.sqrt([...counts].reduce((sum, [f, c]) => sum + (c * idf[f]!) ** 2, 0));
    const expected = [0, 1, 2].map((l) => bias[l]! + [...counts].reduce((sum, [f, c]) => sum + (c * idf[f]! * table[f * labels + l]!) / norm, 0));
    const logits = wordNgramLogits(input, [1, 1, 1, 1], TABLES, idf, table, bias);
    expected.forEach((value, l) => expect(logits[l]).toBeCloseTo(value, 5));
    expect(Array.from(wordNgramLogits([0], [0], TABLES, idf, table, bias))).toEqual(Array.from(bias).map(Math.fround));
  });
});
