/** The classification head's shape and dropouts: Dropout → Linear dim→hiddenDim → ReLU → Dropout → Linear. */
export interface ClassifierHeadConfig {
  /** Width of the hidden layer (default 256). */
  readonly hiddenDim: number;
  /** Dropout on the [CLS] vector before the first linear layer (default 0.2). */
  readonly dropout: number;
  /** Dropout after the ReLU (default 0.1). */
  readonly innerDropout: number;
}

/** The head of the issue: Dropout 0.2 → Linear dim→256 → ReLU → Dropout 0.1 → Linear 256→labels. */
export const DEFAULT_HEAD: ClassifierHeadConfig = { hiddenDim: 256, dropout: 0.2, innerDropout: 0.1 };

/**
 * The head's tensors, named like Hugging Face's `DistilBertForSequenceClassification` (`pre_classifier`,
 * `classifier`), with PyTorch's `[out, in]` weight layout.
 *
 * @example
 * ```ts
 * headWeightSpecs(768, 6, DEFAULT_HEAD)[0]; // { name: 'pre_classifier.weight', shape: [256, 768] }
 * ```
 */
export function headWeightSpecs(
  dim: number,
  numLabels: number,
  head: ClassifierHeadConfig,
): { name: string; shape: [number] | [number, number] }[] {
  return [
    { name: 'pre_classifier.weight', shape: [head.hiddenDim, dim] },
    { name: 'pre_classifier.bias', shape: [head.hiddenDim] },
    { name: 'classifier.weight', shape: [numLabels, head.hiddenDim] },
    { name: 'classifier.bias', shape: [numLabels] },
  ];
}
