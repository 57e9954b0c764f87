import { wordTokens } from './text-normalize';

/**
 * Options of {@link findNearDuplicates}.
 *
 * @example
 * ```ts
 * const options: NearDuplicateOptions = { threshold: 0.8, shingleSize: 3 };
 * ```
 */
export interface NearDuplicateOptions {
  /** Jaccard similarity of shingle sets at or above which two texts are near-duplicates. Default 0.8. */
  readonly threshold?: number;
  /** Words per shingle. Default 3. */
  readonly shingleSize?: number;
}

/**
 * Result of {@link findNearDuplicates}: `duplicateOf[i]` is the index of the first earlier text that text `i`
 * nearly duplicates, or -1. `count` is how many texts have such an earlier twin (what deduplication would drop).
 *
 * @example
 * ```ts
 * const { count, duplicateOf } = findNearDuplicates(texts);
 * ```
 */
export interface NearDuplicates {
  readonly count: number;
  readonly duplicateOf: Int32Array;
  /** Candidate pairs proposed by LSH and checked exactly (a measure of the work done). */
  readonly candidatePairs: number;
}

// Bound once: a global lookup per call is slow inside vm contexts (jest), and these run millions of times.
const imul = Math.imul;

const PERMUTATIONS = 64;
const BANDS = 16;
const ROWS = PERMUTATIONS / BANDS;

/**
 * Finds near-duplicate texts: Jaccard similarity of their word shingle sets ≥ threshold (texts shorter than a
 * shingle are one shingle of all their words). MinHash signatures (64 hashes) with LSH banding (16 bands × 4 rows)
 * propose candidate pairs; each candidate is then checked with the exact Jaccard, so there are no false positives,
 * and a pair at similarity 0.8 is missed with probability (1 − 0.8⁴)¹⁶ ≈ 2·10⁻⁴.
 *
 * @example
 * ```ts
 * findNearDuplicates(['my order is late again', 'My order is late again!!', 'hello']).count; // 1
 * ```
 */
export function findNearDuplicates(texts: readonly string[], options: NearDuplicateOptions = {}): NearDuplicates {
  const threshold = options.threshold ?? 0.8;
  const size = options.shingleSize ?? 3;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${threshold}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`shingleSize must be a positive integer, got ${size}`);

  // A text without words ("🙄") is one shingle of itself, so emoji-only messages do not all collide.
  const shingleSets = texts.map((text) => {
    const words = wordTokens(text);
    return words.length > 0 ? shingles(words, size) : new Set([`\u0000${text.trim()}`]);
  });
  const seeds = Array.from({ length: PERMUTATIONS }, (_, i) => mix32(0x9e3779b9 ^ imul(i + 1, 0x85ebca6b)));
  const buckets = new Map<string, number[]>();
  const duplicateOf = new Int32Array(texts.length).fill(-1);
  let candidatePairs = 0;

  shingleSets.forEach((set, index) => {
    const hashes = [...set].map(fnv1a);
    const signature = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
    for (const hash of hashes) {
      for (let p = 0; p < PERMUTATIONS; p++) {
        const value = mix32(hash ^ (seeds[p] as number));
        if (value < (signature[p] as number)) signature[p] = value;
      }
    }
    const candidates = new Set<number>();
    for (let band = 0; band < BANDS; band++) {
      let key = `${band}`;
      for (let r = band * ROWS; r < (band + 1) * ROWS; r++) key += `:${signature[r] as number}`;
      const bucket = buckets.get(key);
      if (bucket === undefined) {
        buckets.set(key, [index]);
      } else {
        bucket.forEach((other) => candidates.add(other));
        bucket.push(index);
      }
    }
    for (const other of [...candidates].sort((a, b) => a - b)) {
      candidatePairs++;
      if (jaccard(set, shingleSets[other] as Set<string>) >= threshold) {
        duplicateOf[index] = other;
        break;
      }
    }
  });
  let count = 0;
  for (const twin of duplicateOf) if (twin !== -1) count++;
  return { count, duplicateOf, candidatePairs };
}

function shingles(words: readonly string[], size: number): Set<string> {
  if (words.length <= size) return new Set([words.join(' ')]);
  const set = new Set<string>();
  for (let i = 0; i + size <= words.length; i++) set.add(words.slice(i, i + size).join(' '));
  return set;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// murmur3's finaliser: a cheap bijective mix, so hash ^ seed gives independent-looking permutations per seed.
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
