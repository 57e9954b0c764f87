import type { TextClassifier } from '@mangaassist/serving';

const LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'] as const;

// Keyword → label probabilities; a text gets the highest value each label reaches (base 0.05).
const KEYWORDS: Readonly<Record<string, Partial<Record<(typeof LABELS)[number], number>>>> = {
  angry: { frustration: 0.9 },
  worst: { frustration: 0.8 },
  late: { frustration: 0.6 },
  meh: { frustration: 0.45 },
  thanks: { satisfaction: 0.9 },
  asap: { urgency: 0.85 },
  how: { confusion: 0.7 },
  leaving: { churn_risk: 0.85 },
  maybe: { churn_risk: 0.2 },
  hello: { neutral: 0.9 },
};

/**
 * A deterministic stand-in for the ONNX classifier: probabilities come from keywords, so tests know what to
 * expect. Records each batch it is given; `delayMs` makes inference slow, `failWith` makes it throw, `available`
 * false plays a worker pool whose workers are all restarting.
 */
export class KeywordClassifier implements TextClassifier {
  readonly labels: readonly string[] = LABELS;
  readonly batches: string[][] = [];
  delayMs = 0;
  failWith: Error | undefined;
  available = true;
  disposed = false;

  constructor(readonly modelId = 'keyword-test-v1') {}

  async predict(texts: readonly string[]): Promise<Float32Array[]> {
    this.batches.push([...texts]);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failWith) throw this.failWith;
    return texts.map((text) => {
      const words = text.toLowerCase().split(/[^a-z]+/);
      return Float32Array.from(LABELS, (label) =>
        Math.max(0.05, ...words.map((w) => KEYWORDS[w]?.[label] ?? 0)),
      );
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}
