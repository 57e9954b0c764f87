import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { exportClassifier } from '@mangaassist/export';
import { writeThresholdsFile } from '@mangaassist/model-format';
import { thresholdMapOf } from '@mangaassist/thresholds';
import { calibrateScores, rowMetrics } from './ablation-evaluate';
import type { AblationRun } from './ablation-runner';

/** The model an ablation kept: which run it came from and where it now lives. */
export interface KeptModel {
  readonly run: string;
  /** Validation macro-F1 of the run at threshold 0.5 (how it was chosen). */
  readonly macroF1: number;
  readonly dir: string;
  /** The calibrated per-label thresholds written to `thresholds.json`. */
  readonly thresholds: Readonly<Record<string, number>>;
}

/**
 * The run with the highest validation macro-F1 at threshold 0.5 (the first one on a tie), so that the choice does not
 * depend on thresholds tuned on the same split.
 *
 * @example
 * ```ts
 * const { run, macroF1 } = bestRun(outcome.runs);
 * ```
 */
export function bestRun(runs: ReadonlyMap<string, AblationRun>): { readonly run: AblationRun; readonly macroF1: number } {
  let best: { run: AblationRun; macroF1: number } | undefined;
  for (const run of runs.values()) {
    const macroF1 = rowMetrics(run.scores, {}).macroF1;
    if (!best || macroF1 > best.macroF1) best = { run, macroF1 };
  }
  if (!best) throw new RangeError('the ablation trained no run, so there is no model to keep');
  return best;
}

/**
 * Copies the best run's model to `dir` in the quickstart's layout — the Hugging Face-style files, `thresholds.json`
 * (per-label F-β sweep on the validation set) and `onnx/model.onnx` + `onnx/model_quantized.onnx` — so that the
 * server and transformers.js load it as they load the quickstart model. The copy is assembled beside `dir` and
 * renamed into place, so an interrupted run never leaves a half-written model where a server would look.
 *
 * @example
 * ```ts
 * const kept = keepBestModel(outcome.runs, 'runs/goemotions/model');
 * console.log(`${kept.run} (macro-F1 ${kept.macroF1.toFixed(3)}) → ${kept.dir}`);
 * ```
 */
export function keepBestModel(runs: ReadonlyMap<string, AblationRun>, dir: string): KeptModel {
  const { run, macroF1 } = bestRun(runs);
  const target = resolve(dir);
  const staging = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  // The run's model folder also holds the run's calibration plots when there are any; only the model files travel.
  cpSync(run.modelDir, staging, { recursive: true, filter: (source) => basename(source) !== 'calibration' });
  const calibration = calibrateScores(run.scores);
  const thresholds = thresholdMapOf(calibration);
  writeThresholdsFile(staging, {
    version: 1,
    strategy: 'fbeta-sweep',
    createdAt: new Date().toISOString(),
    thresholds,
    details: Object.fromEntries(calibration.map(({ label, threshold: _threshold, ...rest }) => [label, { ...rest, source: `ablation run ${run.id}` }])),
  });
  exportClassifier({ modelDir: staging, outDir: staging, quantize: 'int8' });
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return { run: run.id, macroF1, dir: target, thresholds };
}
