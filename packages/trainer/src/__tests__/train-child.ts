// A training process for the kill-and-resume tests: trains a tiny classifier on the toy data in the run directory
// given as argv[2] and prints `{ stopReason, globalStep }`. Flags:
//   --resume                 continue from the checkpoint
//   --hang-at <globalStep>   write `hung.json` after that step and wait forever (the test SIGKILLs it there)
//   --wait-at <globalStep>   write `hung.json` after that step and wait until a stop signal arrives, then go on (the
//                            loop checkpoints at that step boundary); with --hang-at's marker, so the test knows when
//   --last-epoch             keep the last epoch's model (modelSelection 'last-epoch') instead of the best one
//   --distilbert <dir>       train core-model's DistilBERT classifier on the tiny random encoder in <dir> instead of
//                            the toy classifier
// SIGINT and SIGTERM are handled as the CLI handles them (`runUntilStopSignal`): checkpoint, then exit 0.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier } from '@mangaassist/core-model';
import type { TrainableClassifier } from '../classifier';
import { createLrScheduleRegistry, createUnfreezingRegistry } from '../registries';
import { runUntilStopSignal } from '../stop-signals';
import { createTinyClassifier } from '../testing/tiny-classifier';
import { trainClassifier } from '../train-loop';
import { bceLoss, LABELS, toyExamples, useCpuBackend, VOCAB } from './fixtures';

function flag(flags: readonly string[], name: string): string | undefined {
  return flags.includes(name) ? flags[flags.indexOf(name) + 1] : undefined;
}

async function main(): Promise<void> {
  const [runDir, ...flags] = process.argv.slice(2);
  if (!runDir) throw new Error('usage: train-child <runDir> [--resume] [--hang-at <globalStep>] [--wait-at <globalStep>] [--last-epoch] [--distilbert <dir>]');
  const hangAt = flag(flags, '--hang-at') === undefined ? undefined : Number(flag(flags, '--hang-at'));
  const waitAt = flag(flags, '--wait-at') === undefined ? undefined : Number(flag(flags, '--wait-at'));
  const distilbert = flag(flags, '--distilbert');
  await useCpuBackend();
  const classifier: TrainableClassifier = distilbert
    ? await createClassifier(distilbert, { labels: LABELS, maxLength: 16, head: { hiddenDim: 8, dropout: 0.2, innerDropout: 0.1 }, seed: 3 })
    : createTinyClassifier({ labels: LABELS, vocabSize: VOCAB, dim: 8, seed: 3, dropout: 0.2 });
  const { value: summary } = await runUntilStopSignal((signal) =>
    trainClassifier({
      classifier,
      loss: bceLoss({ learnableBias: true }),
      train: toyExamples(48, 11),
      validation: toyExamples(24, 12),
      unfreezing: createUnfreezingRegistry().create('ulmfit', {}, undefined),
      lrSchedule: createLrScheduleRegistry().create('stlr', {}, undefined),
      optimizer: { baseLr: 3e-2, lrDecay: 2.6, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradClipNorm: 1 },
      epochs: 4,
      batchSize: 8,
      seed: 42,
      checkpointEverySteps: 4,
      modelSelection: flags.includes('--last-epoch') ? 'last-epoch' : 'best-validation',
      logEverySteps: 1,
      runDir,
      resume: flags.includes('--resume'),
      fingerprint: 'kill-resume-test',
      log: (line) => process.stderr.write(`${line}\n`),
      signal,
      reporter: {
        async onStep(record) {
          if (record.globalStep === hangAt) {
            writeFileSync(join(runDir, 'hung.json'), JSON.stringify(record));
            await new Promise(() => setInterval(() => undefined, 60_000));
          }
          if (record.globalStep === waitAt) {
            writeFileSync(join(runDir, 'hung.json'), JSON.stringify(record));
            while (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 10));
          }
        },
      },
    }),
  );
  process.stdout.write(`${JSON.stringify({ stopReason: summary.stopReason, globalStep: summary.globalStep })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
