// A training process for the kill-and-resume test: trains the tiny classifier on the toy data in the run directory
// given as argv[2]. With `--resume` it continues from the checkpoint. With `--hang-at <globalStep>` it writes
// `hung.json` after that step and waits forever, so the test can SIGKILL it mid-epoch at a known point.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLrScheduleRegistry, createUnfreezingRegistry } from '../registries';
import { createTinyClassifier } from '../testing/tiny-classifier';
import { trainClassifier } from '../train-loop';
import { bceLoss, LABELS, toyExamples, useCpuBackend, VOCAB } from './fixtures';

async function main(): Promise<void> {
  const [runDir, ...flags] = process.argv.slice(2);
  if (!runDir) throw new Error('usage: train-child <runDir> [--resume] [--hang-at <globalStep>]');
  const hangAt = flags.includes('--hang-at') ? Number(flags[flags.indexOf('--hang-at') + 1]) : undefined;
  await useCpuBackend();
  const summary = await trainClassifier({
    classifier: createTinyClassifier({ labels: LABELS, vocabSize: VOCAB, dim: 8, seed: 3, dropout: 0.2 }),
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
    logEverySteps: 1,
    runDir,
    resume: flags.includes('--resume'),
    fingerprint: 'kill-resume-test',
    reporter: {
      async onStep(record) {
        if (record.globalStep !== hangAt) return;
        writeFileSync(join(runDir, 'hung.json'), JSON.stringify(record));
        await new Promise(() => setInterval(() => undefined, 60_000));
      },
    },
  });
  process.stdout.write(`${JSON.stringify({ stopReason: summary.stopReason, globalStep: summary.globalStep })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
