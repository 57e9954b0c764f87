import { trainJobConfigSchema } from '@mangaassist/common';
import type { AblationRowId, JobLayer, LossRowId } from './ablation-config';

/** How a row turns probabilities into decisions, on top of a trained model. */
export type RowDecision = 'threshold-0.5' | 'calibrated' | 'calibrated+churn-boost';

/** One row: which training run it needs and how it decides. Rows that differ only in the decision share a run. */
export interface AblationRow {
  readonly id: string;
  /** The row label in the report. */
  readonly title: string;
  /** The training run (its folder under rows/): the row's own id, or the row whose model it reuses. */
  readonly run: string;
  /** Sections merged over the base job for the run; `alpha: true` in focal options asks for α from the data. */
  readonly job: JobLayer;
  readonly focalAlpha: boolean;
  readonly decision: RowDecision;
}

const ULMFIT = { id: 'ulmfit', options: {} };
const FULL = { id: 'full', options: {} };

function trained(id: string, title: string, job: JobLayer, focalAlpha = false): AblationRow {
  return { id, title, run: id, job, focalAlpha, decision: 'threshold-0.5' };
}

/**
 * The recipe a training job gets from the schema's defaults, as a layer over the ablation's base: its head (wide part
 * included), loss, schedules, uniform rates and kept epoch. `baseLr` is cleared so that the job picks the rate for its
 * encoder (`recommendedBaseLr`) as `train` would, whatever rate the file's base gives the design's rows.
 */
function defaultRecipe(): JobLayer {
  const defaults = trainJobConfigSchema.parse({ data: { train: { path: 'train.jsonl' } } });
  return {
    model: { head: defaults.model.head },
    loss: defaults.loss,
    schedule: { unfreezing: defaults.schedule.unfreezing, lr: defaults.schedule.lr },
    optimizer: { lrDecay: defaults.optimizer.lrDecay, baseLr: undefined },
    training: { modelSelection: defaults.training.modelSelection },
  };
}

/**
 * The ablation rows, each adding one technique to the row above, as in the design document's table. `lrDecay` is the
 * discriminative decay (the uniform rows use 1: every group at the base rate).
 *
 * @example
 * ```ts
 * ablationRow('focal-loss', 2.6).job; // { schedule: { unfreezing: { id: 'ulmfit' } }, optimizer: { lrDecay: 2.6 }, loss: { id: 'focal', … } }
 * ```
 */
export function ablationRow(id: AblationRowId, lrDecay: number): AblationRow {
  const focal = { loss: { id: 'focal', options: { gamma: 2 } }, schedule: { unfreezing: ULMFIT }, optimizer: { lrDecay } };
  switch (id) {
    case 'head-only':
      return trained(id, 'head only (encoder frozen), BCE', { loss: { id: 'bce', options: {} }, schedule: { unfreezing: { id: 'head-only', options: {} } }, optimizer: { lrDecay: 1 } });
    case 'full-uniform':
      return trained(id, 'full fine-tune, uniform LR, BCE', { loss: { id: 'bce', options: {} }, schedule: { unfreezing: FULL }, optimizer: { lrDecay: 1 } });
    case 'discriminative-lr':
      return trained(id, '+ discriminative LR', { loss: { id: 'bce', options: {} }, schedule: { unfreezing: FULL }, optimizer: { lrDecay } });
    case 'gradual-unfreezing':
      return trained(id, '+ gradual unfreezing (ULMFiT)', { loss: { id: 'bce', options: {} }, schedule: { unfreezing: ULMFIT }, optimizer: { lrDecay } });
    case 'focal-loss':
      return trained(id, '+ focal loss (γ=2, α from label frequencies)', focal, true);
    case 'threshold-optimisation':
      return { ...trained(id, '+ threshold optimisation (per-label F-β sweep)', focal, true), run: 'focal-loss', decision: 'calibrated' };
    case 'churn-boost':
      return { ...trained(id, '+ churn phrase rule boost', focal, true), run: 'focal-loss', decision: 'calibrated+churn-boost' };
    case 'default-recipe':
      return {
        ...trained(id, "train's defaults: full fine-tune, uniform LR, BCE, slanted-triangular rate, wide & deep head, last epoch, F-β thresholds", defaultRecipe()),
        decision: 'calibrated',
      };
  }
}

/**
 * The loss comparison rows: the full pipeline (ULMFiT, discriminative rates) with each loss, decided at 0.5.
 * `focal-g2-alpha` is the same run as the ablation's `focal-loss` row and shares its folder.
 *
 * @example
 * ```ts
 * lossRow('focal-g5', 2.6).job.loss; // { id: 'focal', options: { gamma: 5 } }
 * ```
 */
export function lossRow(id: LossRowId, lrDecay: number): AblationRow {
  const pipeline = { schedule: { unfreezing: ULMFIT }, optimizer: { lrDecay } };
  const withLoss = (title: string, loss: JobLayer, focalAlpha = false, run: string = id): AblationRow => ({
    ...trained(id, title, { ...pipeline, loss }, focalAlpha),
    run,
  });
  switch (id) {
    case 'bce':
      return withLoss('BCE', { id: 'bce', options: {} }, false, 'gradual-unfreezing');
    case 'focal-g2':
      return withLoss('focal γ=2, no α', { id: 'focal', options: { gamma: 2 } });
    case 'focal-g2-alpha':
      return withLoss('focal γ=2, α from label frequencies', { id: 'focal', options: { gamma: 2 } }, true, 'focal-loss');
    case 'focal-g3':
      return withLoss('focal γ=3, α', { id: 'focal', options: { gamma: 3 } }, true);
    case 'focal-g5':
      return withLoss('focal γ=5, α', { id: 'focal', options: { gamma: 5 } }, true);
    case 'asymmetric':
      return withLoss('asymmetric (γ+=0, γ−=4, clip 0.05)', { id: 'asymmetric', options: {} });
    case 'uncertainty-weighted':
      return withLoss('uncertainty-weighted BCE', { id: 'uncertainty-weighted', options: {} });
  }
}
