import { createProgressDisplay, formatDuration, progressLine, type ReporterStream } from './console-reporter';
import type { MlmEvaluation, MlmReporter, MlmStart, MlmStepRecord, MlmSummary } from './mlm-records';

/**
 * A held-out evaluation in one line: loss, perplexity, targets, and the loss of each source.
 *
 * @example
 * ```ts
 * formatMlmEvaluation(evaluation); // 'MLM loss 3.9812 (perplexity 53.59) over 4321 masked tokens; goemotions 3.9101, generated 4.2013'
 * ```
 */
export function formatMlmEvaluation(evaluation: MlmEvaluation): string {
  const sources = Object.entries(evaluation.bySource);
  const bySource = sources.length > 1 ? `; ${sources.map(([name, s]) => `${name} ${s.loss.toFixed(4)}`).join(', ')}` : '';
  return `MLM loss ${evaluation.loss.toFixed(4)} (perplexity ${evaluation.perplexity.toFixed(2)}) over ${evaluation.maskedTokens} masked tokens${bySource}`;
}

/**
 * Reports a masked-LM run on a terminal: the held-out loss before and after (and between, with `evalEverySteps`);
 * on a TTY a one-line progress bar redrawn at most ten times a second, on other streams a line every `everySteps`
 * steps (default 10) and at the last; a final line with the change of the held-out loss, steps, time and tokens/s.
 *
 * @example
 * ```ts
 * await pretrainMaskedLm({ ...options, reporter: createMlmConsoleReporter(process.stderr, { everySteps: 20 }) });
 * ```
 */
export function createMlmConsoleReporter(stream: ReporterStream = process.stderr, options: { readonly everySteps?: number } = {}): MlmReporter {
  const everySteps = options.everySteps ?? 10;
  let start: MlmStart | undefined;
  const display = createProgressDisplay(stream);
  return {
    onStart(info) {
      start = info;
      const from = info.resumedFrom ? ` (resuming at step ${info.resumedFrom.globalStep})` : '';
      stream.write(
        `masked-LM pretraining: ${info.trainTexts} training texts, ${info.heldOutTexts} held out, batch ${info.batchSize}, ` +
          `${info.stepsPerEpoch} steps/epoch, ${info.totalSteps} steps in ${info.epochs} epoch(s)${from}\n`,
      );
    },
    onEvaluation(record) {
      display.clear();
      const when = record.stage === 'during' ? `at step ${record.globalStep}` : record.stage;
      stream.write(`held-out ${when}: ${formatMlmEvaluation(record.evaluation)} (${record.seconds.toFixed(1)} s)\n`);
    },
    onStep(record: MlmStepRecord) {
      if (!start) return;
      // From the training rate alone: held-out evaluations and checkpoints would make the first steps look slow.
      const eta = ((start.totalSteps - record.globalStep) * start.batchSize) / Math.max(1e-9, record.examplesPerSecond);
      const last = record.globalStep === start.totalSteps;
      if (stream.isTTY) {
        const columns = (stream.columns ?? 100) - 16;
        display.draw(() => `${progressLine(record, start!.epochs, eta, columns)} ${Math.round(record.tokensPerSecond)} tok/s`, last);
        return;
      }
      if (record.globalStep % everySteps !== 0 && !last) return;
      stream.write(
        `step ${record.globalStep}/${start.totalSteps} (epoch ${record.epoch}) loss ${record.loss.toFixed(4)} lr ${record.lr.toExponential(2)} ` +
          `${Math.round(record.tokensPerSecond)} tokens/s ETA ${formatDuration(eta)}\n`,
      );
    },
    onEnd(summary: MlmSummary) {
      display.clear();
      const { before, after } = summary.heldOut;
      const change = after
        ? `held-out MLM loss ${before.loss.toFixed(4)} → ${after.loss.toFixed(4)} (perplexity ${before.perplexity.toFixed(2)} → ${after.perplexity.toFixed(2)})`
        : `held-out MLM loss before ${before.loss.toFixed(4)}; not finished (resume to go on)`;
      stream.write(
        `done (${summary.stopReason}): ${change}; ${summary.globalStep} steps, ${summary.trainSeconds.toFixed(1)} s of training, ` +
          `${Math.round(summary.tokensPerSecond)} tokens/s; ${summary.modelDir ? `model in ${summary.modelDir}` : `run directory ${summary.runDir}`}\n`,
      );
    },
  };
}
