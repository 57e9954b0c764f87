import { DEFAULT_LABELS } from '@mangaassist/common';
import {
  HANDWRITTEN_EVALUATION_SLICE,
  HANDWRITTEN_SLICE_ROLES,
  evaluateBaseline,
  handwrittenSlicePath,
  readDataset,
  trainTfidfBaseline,
  type Example,
  type HandwrittenRole,
  type HandwrittenSliceId,
} from '@mangaassist/data';
import { runEvaluate } from '../evaluate';

/** Precision and recall of frustration, the label that escalates. */
export interface FrustrationScore {
  readonly precision: number;
  readonly recall: number;
}

/** The model's and the TF-IDF baseline's scores on one bundled hand-written slice. */
export interface HandwrittenScore {
  readonly slice: HandwrittenSliceId;
  readonly file: string;
  readonly messages: number;
  /**
   * `evaluation`: never trained or tuned on, the honest figure; `training`: a slice the quickstart trains on (its
   * figure says how well the training data was fitted, not how the model does on new messages).
   */
  readonly role: HandwrittenRole;
  readonly model: { readonly macroF1: number; readonly frustration: FrustrationScore };
  readonly baseline: { readonly macroF1: number; readonly frustration: FrustrationScore };
}

/**
 * Scores the model (with the thresholds in its directory, as serving uses them) and the TF-IDF + logistic
 * regression baseline trained on the same training examples (the generated split and the hand-written training
 * slices) on bundled hand-written slices — by default the evaluation slice alone, the one neither was trained or
 * tuned on. Messages written by people are the figure that matters: the generated validation split flatters every
 * model trained on the generator's output.
 *
 * @example
 * ```ts
 * const scores = await scoreHandwrittenSlices('runs/quickstart/model', trainExamples, 'cpu');
 * process.stderr.write(formatHandwrittenScores(scores));
 * ```
 */
export async function scoreHandwrittenSlices(
  modelDir: string,
  train: readonly Example[],
  backend: string,
  slices: readonly HandwrittenSliceId[] = [HANDWRITTEN_EVALUATION_SLICE],
): Promise<HandwrittenScore[]> {
  const baseline = trainTfidfBaseline(train, [...DEFAULT_LABELS]);
  const scores: HandwrittenScore[] = [];
  for (const slice of slices) {
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
      role: HANDWRITTEN_SLICE_ROLES[slice],
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
 * One line per slice: macro-F1 and frustration precision/recall of the model and of the baseline, with what the
 * slice is to both (never trained on, or trained on).
 *
 * @example
 * ```ts
 * formatHandwrittenScores(scores); // '  test (156 messages, never trained or tuned on)  model macro-F1 0.813 …'
 * ```
 */
export function formatHandwrittenScores(scores: readonly HandwrittenScore[]): string {
  const pr = (f: FrustrationScore) => `P ${f.precision.toFixed(2)} R ${f.recall.toFixed(2)}`;
  return scores
    .map((s) => {
      const name = `${s.slice} (${s.messages} messages, ${s.role === 'evaluation' ? 'never trained or tuned on' : 'trained on'})`.padEnd(44);
      return (
        `  ${name} model macro-F1 ${s.model.macroF1.toFixed(3)} (frustration ${pr(s.model.frustration)})` +
        `  TF-IDF baseline ${s.baseline.macroF1.toFixed(3)} (frustration ${pr(s.baseline.frustration)})\n`
      );
    })
    .join('');
}
