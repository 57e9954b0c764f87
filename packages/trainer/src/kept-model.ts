import type { TrainSummary } from './train-records';

/**
 * The epoch whose model a run kept: the best validation epoch under `best-validation`, the last validated epoch under
 * `last-epoch`; `null` when no model was kept.
 *
 * @example
 * ```ts
 * keptEpoch(summary); // 4
 * ```
 */
export function keptEpoch(summary: Pick<TrainSummary, 'modelSelection' | 'modelDir' | 'best' | 'history'>): number | null {
  if (summary.modelDir === null) return null;
  return summary.modelSelection === 'last-epoch' ? (summary.history.at(-1)?.epoch ?? null) : (summary.best?.epoch ?? null);
}

/**
 * One line saying which model a run kept and why, with the best validation figure beside it (under `last-epoch` the
 * two differ, and the reader should see both), for the console, the `train` command and `report.md`.
 *
 * @example
 * ```ts
 * describeKeptModel(summary);
 * // 'model kept: last epoch (4) in last-model/, modelSelection last-epoch; best validation macro-F1 0.8404 at epoch 1'
 * ```
 */
export function describeKeptModel(summary: Pick<TrainSummary, 'modelSelection' | 'modelDir' | 'best' | 'history'>): string {
  const epoch = keptEpoch(summary);
  const best = summary.best ? `best validation macro-F1 ${summary.best.macroF1.toFixed(4)} at epoch ${summary.best.epoch}` : 'no validation finished';
  if (epoch === null) return `model kept: none, modelSelection ${summary.modelSelection}; ${best}`;
  const which = summary.modelSelection === 'last-epoch' ? `last epoch (${epoch}) in last-model/` : `best validation epoch (${epoch}) in best-model/`;
  return `model kept: ${which}, modelSelection ${summary.modelSelection}; ${best}`;
}
