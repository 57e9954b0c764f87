import { DEFAULT_LABELS } from '@mangaassist/common';
import {
  HANDWRITTEN_SLICES,
  TUNED_SLICES,
  evaluateBaseline,
  handwrittenSlicePath,
  readDataset,
  trainTfidfBaseline,
  type Example,
  type HandwrittenSlice,
} from '@mangaassist/data';
import { runEvaluate } from '../evaluate';

/** Precision and recall of frustration, the label that escalates. */
export interface FrustrationScore {
  readonly precision: number;
  readonly recall: number;
}

/** The model's and the TF-IDF baseline's scores on one bundled hand-written slice. */
export interface HandwrittenScore {
  readonly slice: HandwrittenSlice;
  readonly file: string;
  readonly messages: number;
  /** True when the slice was used to tune the recipe or the generator (its figures flatter the model). */
  readonly tuned: boolean;
  readonly model: { readonly macroF1: number; readonly frustration: FrustrationScore };
  readonly baseline: { readonly macroF1: number; readonly frustration: FrustrationScore };
}

/**
 * Scores the model (with the thresholds in its directory, as serving uses them) and the TF-IDF + logistic
 * regression baseline trained on the same training examples on each hand-written slice that ships with
 * `@mangaassist/data`. Messages written by people are the figure that matters: the generated validation split
 * flatters every model trained on the generator's output.
 *
 * @example
 * ```ts
 * const scores = await scoreHandwrittenSlices('runs/quickstart/model', trainExamples, 'cpu');
 * process.stderr.write(formatHandwrittenScores(scores));
 * ```
 */
export async function scoreHandwrittenSlices(modelDir: string, train: readonly Example[], backend: string): Promise<HandwrittenScore[]> {
  const baseline = trainTfidfBaseline(train, [...DEFAULT_LABELS]);
  const scores: HandwrittenScore[] = [];
  for (const slice of Object.keys(HANDWRITTEN_SLICES) as HandwrittenSlice[]) {
    const file = handwrittenSlicePath(slice);
    const { dataset } = readDataset(file);
    const { report } = await runEvaluate({ model: modelDir, data: file, batchSize: '64', backend });
    const base = evaluateBaseline(baseline, dataset);
    const baseFrustration = base.perLabel.find((m) => m.label === 'frustration');
    const modelFrustration = report.per_label.frustration;
    scores.push({
      slice,
      file,
      messages: dataset.examples.length,
      tuned: TUNED_SLICES.includes(slice),
      model: {
        macroF1: report.macro_f1,
        frustration: { precision: modelFrustration?.precision ?? 0, recall: modelFrustration?.recall ?? 0 },
      },
      baseline: {
        macroF1: base.macroF1,
        frustration: { precision: baseFrustration?.precision ?? 0, recall: baseFrustration?.recall ?? 0 },
      },
    });
  }
  return scores;
}

/**
 * One line per slice: macro-F1 and frustration precision/recall of the model and of the baseline.
 *
 * @example
 * ```ts
 * formatHandwrittenScores(scores); // '  final (81 messages, untouched)  model macro-F1 0.712 …'
 * ```
 */
export function formatHandwrittenScores(scores: readonly HandwrittenScore[]): string {
  const pr = (f: FrustrationScore) => `P ${f.precision.toFixed(2)} R ${f.recall.toFixed(2)}`;
  return scores
    .map((s) => {
      const name = `${s.slice} (${s.messages} messages, ${s.tuned ? 'used for tuning' : 'untouched'})`.padEnd(44);
      return (
        `  ${name} model macro-F1 ${s.model.macroF1.toFixed(3)} (frustration ${pr(s.model.frustration)})` +
        `  TF-IDF baseline ${s.baseline.macroF1.toFixed(3)} (frustration ${pr(s.baseline.frustration)})\n`
      );
    })
    .join('');
}
