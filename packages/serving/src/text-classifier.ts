import type { WordPieceView } from './attribution/words';

/**
 * Turns texts into per-label probabilities (sigmoid of the logits), in the label order of `labels`.
 * The ONNX Runtime implementation batches the texts through one session; tests may use a fake.
 *
 * @example
 * ```ts
 * const [probs] = await classifier.predict(['where is my order??']);
 * console.log(classifier.labels[0], probs[0]);
 * ```
 */
export interface TextClassifier {
  readonly labels: readonly string[];
  /** Model id used to look up thresholds in the store (from the model's metadata, e.g. `manga-v3`). */
  readonly modelId: string;
  /**
   * The thresholds calibrated for this model and shipped with it (`thresholds.json`, label → threshold): used for
   * the labels the threshold store has no value for. Absent or empty: the model shipped none.
   */
  readonly modelThresholds?: Readonly<Record<string, number>>;
  /** False while no inference can run (every worker of a pool restarting); absent means always available. */
  readonly available?: boolean;
  /** The word pieces the model reads, for word attributions; absent (a fake) means one piece per word. */
  readonly wordPieces?: WordPieceView;
  predict(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}
