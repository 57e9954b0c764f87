import type { DATA_FORMATS } from '@mangaassist/common';

/**
 * One labelled message. `labels` holds label names from the dataset's schema; a message may carry several.
 *
 * @example
 * ```ts
 * const example: Example = { id: 'a1', text: 'where is my order??', labels: ['frustration', 'urgency'] };
 * ```
 */
export interface Example {
  readonly id?: string;
  readonly text: string;
  readonly labels: readonly string[];
}

/**
 * A file format that {@link readDataset} understands: the formats of `dataConfigSchema` in `@mangaassist/common`.
 *
 * @example
 * ```ts
 * const format: DatasetFormat = 'tsv';
 * ```
 */
export type DatasetFormat = (typeof DATA_FORMATS)[number];

/**
 * Where a dataset came from: a file read with a format, or the seeded generator.
 *
 * @example
 * ```ts
 * const source: DatasetSource = { kind: 'file', path: 'data/train.jsonl', format: 'jsonl' };
 * ```
 */
export type DatasetSource =
  | { readonly kind: 'file'; readonly path: string; readonly format: DatasetFormat }
  | { readonly kind: 'generated'; readonly generator: string; readonly seed: number; readonly n: number };

/**
 * Examples with the label schema they were validated against. `coveredLabels` are the labels the source could
 * have annotated at all (GoEmotions, for instance, never annotates `urgency` or `churn_risk`): evaluation must
 * leave the others out instead of counting them as missed.
 *
 * @example
 * ```ts
 * const { dataset } = readGoEmotions('../shared/data/goemotions/dev.tsv');
 * dataset.coveredLabels; // ['frustration', 'satisfaction', 'confusion', 'neutral']
 * ```
 */
export interface Dataset {
  readonly examples: readonly Example[];
  readonly labelSchema: readonly string[];
  readonly coveredLabels: readonly string[];
  readonly source: DatasetSource;
}

/**
 * A row that lenient reading skipped: its 1-based line number in the file and why.
 *
 * @example
 * ```ts
 * const problem: DataProblem = { line: 12, message: 'unknown label "angry"' };
 * ```
 */
export interface DataProblem {
  readonly line: number;
  readonly message: string;
}
