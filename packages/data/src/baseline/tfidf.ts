/**
 * A sparse feature row: parallel arrays of feature indices (ascending) and values.
 *
 * @example
 * ```ts
 * const row: SparseRow = { indices: Int32Array.of(3, 17), values: Float32Array.of(0.6, 0.8) };
 * ```
 */
export interface SparseRow {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/**
 * Options of {@link TfidfVectorizer}.
 *
 * @example
 * ```ts
 * const options: TfidfOptions = { minDf: 2, charNgrams: [3, 5] };
 * ```
 */
export interface TfidfOptions {
  /** Drop features seen in fewer documents. Default 2. */
  readonly minDf?: number;
  /** Word n-gram range. Default [1, 2]. */
  readonly wordNgrams?: readonly [number, number];
  /** Character n-gram range inside word boundaries (`char_wb`), or null for none. Default [3, 5]. */
  readonly charNgrams?: readonly [number, number] | null;
}

const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|\p{Extended_Pictographic}|[!?]/gu;

/**
 * TF-IDF features as scikit-learn computes them with `sublinear_tf=True, smooth_idf=True, norm='l2'`:
 * tf = 1 + ln(count), idf = ln((1 + n) / (1 + df)) + 1, rows scaled to unit length. Features are word n-grams
 * (emoji and `!`/`?` count as words) plus character n-grams within word boundaries, which keep typos and
 * elongations ("soooo") close to the clean spelling.
 *
 * @example
 * ```ts
 * const tfidf = new TfidfVectorizer().fit(trainTexts);
 * const rows = tfidf.transform(['where is my order??']);
 * ```
 */
export class TfidfVectorizer {
  private readonly vocabulary = new Map<string, number>();
  private idf = new Float32Array(0);
  private readonly minDf: number;
  private readonly wordNgrams: readonly [number, number];
  private readonly charNgrams: readonly [number, number] | null;

  constructor(options: TfidfOptions = {}) {
    this.minDf = options.minDf ?? 2;
    this.wordNgrams = options.wordNgrams ?? [1, 2];
    this.charNgrams = options.charNgrams === undefined ? [3, 5] : options.charNgrams;
  }

  /** Number of features after {@link fit}. */
  get size(): number {
    return this.vocabulary.size;
  }

  /** Learns the vocabulary and idf weights from `texts`. Returns `this`. */
  fit(texts: readonly string[]): this {
    const df = new Map<string, number>();
    for (const text of texts) {
      for (const feature of new Set(this.features(text))) df.set(feature, (df.get(feature) ?? 0) + 1);
    }
    this.vocabulary.clear();
    const kept = [...df].filter(([, count]) => count >= this.minDf).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.idf = new Float32Array(kept.length);
    kept.forEach(([feature, count], index) => {
      this.vocabulary.set(feature, index);
      this.idf[index] = Math.log((1 + texts.length) / (1 + count)) + 1;
    });
    return this;
  }

  /** Sparse unit-length TF-IDF rows; features unseen during {@link fit} are ignored. */
  transform(texts: readonly string[]): SparseRow[] {
    return texts.map((text) => {
      const counts = new Map<number, number>();
      for (const feature of this.features(text)) {
        const index = this.vocabulary.get(feature);
        if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
      }
      const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
      const values = new Float32Array(indices.length);
      let norm = 0;
      indices.forEach((index, k) => {
        const value = (1 + Math.log(counts.get(index) as number)) * (this.idf[index] as number);
        values[k] = value;
        norm += value * value;
      });
      norm = Math.sqrt(norm);
      if (norm > 0) for (let k = 0; k < values.length; k++) (values[k] as number) /= norm;
      return { indices, values };
    });
  }

  private features(text: string): string[] {
    const tokens = text.normalize('NFKC').toLowerCase().match(TOKEN) ?? [];
    const out: string[] = [];
    const [wMin, wMax] = this.wordNgrams;
    for (let n = wMin; n <= wMax; n++) {
      for (let i = 0; i + n <= tokens.length; i++) out.push(`w:${tokens.slice(i, i + n).join(' ')}`);
    }
    if (this.charNgrams !== null) {
      const [cMin, cMax] = this.charNgrams;
      for (const token of tokens) {
        // Code points, not UTF-16 units, so an emoji is one character and never split in half.
        const padded = [' ', ...token, ' '];
        for (let n = cMin; n <= cMax; n++) {
          for (let i = 0; i + n <= padded.length; i++) out.push(`c:${padded.slice(i, i + n).join('')}`);
        }
      }
    }
    return out;
  }
}
