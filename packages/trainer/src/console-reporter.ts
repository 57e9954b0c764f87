import { describeKeptModel } from './kept-model';
import type { EpochRecord, StepRecord, TrainReporter, TrainStart, TrainSummary } from './train-records';

/** The part of a stream the reporter writes to (`process.stderr` by default). */
export interface ReporterStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Reports a run on a terminal: on a TTY a one-line progress bar (epoch, step, loss, examples/s, ETA) redrawn at most
 * ten times a second; on any stream one line per epoch with its validation metrics, and final lines (how the run
 * ended, which model was kept and why); `label` tags every line (`[label] epoch 1: …`).
 *
 * @example
 * ```ts
 * await trainClassifier({ ...options, reporter: createConsoleReporter() });
 * ```
 */
export function createConsoleReporter(stream: ReporterStream = process.stderr, options: { readonly label?: string } = {}): TrainReporter {
  // Runs reported side by side (an ablation's rows) tag every line with their label.
  const tag = options.label ? `[${options.label}] ` : '';
  let start: TrainStart | undefined;
  let processStart = 0;
  let stepsAtStart = 0;
  const display = createProgressDisplay(stream);
  return {
    onStart(info) {
      start = info;
      processStart = performance.now();
      stepsAtStart = info.resumedFrom?.globalStep ?? 0;
      const from = info.resumedFrom ? ` (resuming at epoch ${info.resumedFrom.epoch}, step ${info.resumedFrom.step})` : '';
      stream.write(
        `${tag}training: ${info.trainExamples} examples, batch ${info.batchSize}, ${info.stepsPerEpoch} steps/epoch, ` +
          `${info.totalSteps} steps in ${info.epochs} epoch(s)${from}\n`,
      );
    },
    onStep(record: StepRecord) {
      if (!stream.isTTY || !start) return;
      const secondsPerStep = (performance.now() - processStart) / 1000 / Math.max(1, record.globalStep - stepsAtStart);
      const eta = (start.totalSteps - record.globalStep) * secondsPerStep;
      display.draw(() => `${tag}${progressLine(record, start!.epochs, eta, (stream.columns ?? 100) - tag.length)}`, record.step + 1 === record.stepsPerEpoch);
    },
    onEpoch(record: EpochRecord) {
      display.clear();
      stream.write(`${tag}${epochLine(record)}\n`);
    },
    onEnd(summary: TrainSummary) {
      display.clear();
      const best = summary.best ? `best macro-F1 ${summary.best.macroF1.toFixed(4)} at epoch ${summary.best.epoch}` : 'no validation';
      stream.write(`${tag}done (${summary.stopReason}): ${best}; ${summary.trainSeconds.toFixed(1)} s; run directory ${summary.runDir}\n`);
      stream.write(`${tag}${describeKeptModel(summary)}\n`);
    },
  };
}

/** A progress line redrawn in place on a terminal (see {@link createProgressDisplay}). */
export interface ProgressDisplay {
  /** Redraws the line with `text()` unless the last draw was under 100 ms ago (always when `force`); TTY only. */
  draw(text: () => string, force?: boolean): void;
  /** Erases the line, so that a full line can be printed. */
  clear(): void;
}

/**
 * One progress line on a TTY stream, redrawn in place at most ten times a second; does nothing on other streams.
 *
 * @example
 * ```ts
 * const display = createProgressDisplay(process.stderr);
 * display.draw(() => `step ${step}/${total}`, step === total);
 * display.clear();
 * ```
 */
export function createProgressDisplay(stream: ReporterStream): ProgressDisplay {
  let lastDraw = 0;
  let drawn = false;
  return {
    draw(text, force = false) {
      if (!stream.isTTY) return;
      const now = performance.now();
      if (now - lastDraw < 100 && !force) return;
      lastDraw = now;
      stream.write(`\r\x1b[2K${text()}`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

/**
 * The progress bar's text for one step.
 *
 * @example
 * ```ts
 * progressLine(record, 4, 80, 100); // 'epoch 1/4 [#####.....] 10/20 loss 0.6931 52.1 ex/s ETA 1:20'
 * ```
 */
export function progressLine(
  record: Pick<StepRecord, 'epoch' | 'step' | 'stepsPerEpoch' | 'loss' | 'examplesPerSecond'>,
  epochs: number,
  etaSeconds: number,
  columns: number,
): string {
  const done = record.step + 1;
  const tail = ` ${done}/${record.stepsPerEpoch} loss ${record.loss.toFixed(4)} ${record.examplesPerSecond.toFixed(1)} ex/s ETA ${formatDuration(etaSeconds)}`;
  const head = `epoch ${record.epoch}/${epochs} `;
  const barWidth = Math.max(5, Math.min(30, columns - head.length - tail.length - 3));
  const filled = Math.round((done / record.stepsPerEpoch) * barWidth);
  return `${head}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`;
}

/**
 * A duration as `h:mm:ss` or `m:ss`.
 *
 * @example
 * ```ts
 * formatDuration(3725); // '1:02:05'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

function epochLine(r: EpochRecord): string {
  const v = r.validation;
  return (
    `epoch ${r.epoch}: groups [${r.groups.join(', ')}], train loss ${r.trainLoss.toFixed(4)}, ` +
    `val loss ${v.loss === undefined ? '–' : v.loss.toFixed(4)}, macro-F1 ${v.macroF1.toFixed(4)}, ` +
    `exact match ${v.exactMatch.toFixed(4)}, Hamming ${v.hammingLoss.toFixed(4)}${r.improved ? ' (best so far)' : ''}, ${r.seconds.toFixed(1)} s`
  );
}
