// Word attributions (`explain: true` on /v1/classify) on an exported model: what they cost, and whether they point
// at the words that matter.
//
//   latency       classify, and classify + word attributions of its active labels (what the route does for an
//                 escalated text), on one 24-word-piece message, interleaved in the same run on the same model
//   faithfulness  on the hand-written messages the model escalates, per active label: does deleting the 3
//                 top-attributed words lower the label's probability more than deleting 3 random words (seeded)?
//
// npx tsc -b packages/bench && node packages/bench/dist/scripts/explain.js --model runs/quickstart/model [--iterations 200] [--json]

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRng } from '@mangaassist/common';
import { handwrittenSlicePath } from '@mangaassist/data';
import { resolveThresholds } from '@mangaassist/model-format';
import { ClassificationService, OnnxWorkerPool, type EscalationDecision, type WordAttribution } from '@mangaassist/serving';

interface Args {
  model: string;
  iterations: number;
  warmup: number;
  maxWords: number;
  seed: number;
  fixtures: string;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    model: 'runs/quickstart/model',
    iterations: 200,
    warmup: 20,
    maxWords: 32,
    seed: 7,
    // The data package's own fixtures folder, wherever it is installed.
    fixtures: dirname(handwrittenSlicePath('dev')),
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const number = (name: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
      i++;
      return n;
    };
    const text = () => {
      if (value === undefined) throw new RangeError(`${flag} needs a value`);
      i++;
      return value;
    };
    if (flag === '--model') args.model = text();
    else if (flag === '--fixtures') args.fixtures = text();
    else if (flag === '--iterations') args.iterations = number('--iterations');
    else if (flag === '--warmup') args.warmup = number('--warmup');
    else if (flag === '--max-words') args.maxWords = number('--max-words');
    else if (flag === '--seed') args.seed = number('--seed');
    else if (flag === '--json') args.json = true;
    else throw new RangeError(`unknown option ${flag}; options: --model, --fixtures, --iterations, --warmup, --max-words, --seed, --json`);
  }
  return args;
}

/** The latency message: a customer complaint of exactly 24 word pieces (checked against the model's tokenizer). */
const LATENCY_TEXT = 'This is the third time my order is late and nobody answers my emails. I am angry, please refund me now';

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function withoutWords(text: string, words: readonly { start: number; end: number }[]): string {
  let out = text;
  for (const w of [...words].sort((a, b) => b.start - a.start)) out = out.slice(0, w.start) + out.slice(w.end);
  return out;
}

function readHandwritten(dir: string): { id: string; text: string }[] {
  return ['handwritten-eval.jsonl', 'handwritten-holdout.jsonl', 'handwritten-test.jsonl', 'handwritten-final.jsonl'].flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { id: string; text: string }),
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const modelDir = resolve(args.model);
  const classifier = await OnnxWorkerPool.load(modelDir, { workers: 1 });
  const thresholds = resolveThresholds(modelDir);
  const service = new ClassificationService({
    classifier,
    thresholds: { getEffective: async () => thresholds },
    batching: { maxBatch: 16, maxWaitMs: 2, queueLimit: 1024 },
    churnRule: { enabled: true, phrases: ['cancel', 'cancelling', 'canceling', 'never again', 'done with', 'unsubscribe', 'close my account'], boost: 0.35 },
    defaultThreshold: 0.5,
    timeoutMs: 60_000,
    explain: { maxWords: args.maxWords },
  });
  const explain = async (text: string, d: EscalationDecision) => (d.escalate ? service.attribute(text, d.active) : undefined);

  // Latency: the route's work without and with explain, interleaved so that both see the same machine load.
  const pieces = classifier.wordPieces.pieces(LATENCY_TEXT).length;
  const [probe] = await service.classify([LATENCY_TEXT]);
  const plain: number[] = [];
  const explained: number[] = [];
  let attribution: WordAttribution | undefined;
  for (let i = 0; i < args.warmup + args.iterations; i++) {
    const t0 = performance.now();
    await service.classify([LATENCY_TEXT]);
    const t1 = performance.now();
    const [d] = await service.classify([LATENCY_TEXT]);
    attribution = await explain(LATENCY_TEXT, d!);
    const t2 = performance.now();
    if (i >= args.warmup) {
      plain.push(t1 - t0);
      explained.push(t2 - t1);
    }
  }
  plain.sort((a, b) => a - b);
  explained.sort((a, b) => a - b);
  const latency = {
    text: LATENCY_TEXT,
    wordPieces: pieces,
    escalates: probe!.escalate,
    active: probe!.active,
    wordsConsidered: attribution?.wordsConsidered ?? 0,
    iterations: args.iterations,
    classifyMs: { p50: percentile(plain, 0.5), p99: percentile(plain, 0.99) },
    classifyExplainMs: { p50: percentile(explained, 0.5), p99: percentile(explained, 0.99) },
  };

  // Faithfulness.
  const messages = readHandwritten(args.fixtures);
  const decisions = await service.classify(messages.map((m) => m.text));
  // The project's seeded generator, so the random deletions are the same on every run.
  const random = createRng(args.seed).next;
  const cases: { id: string; label: string; won: boolean; topDrop: number; randomDrop: number }[] = [];
  let escalated = 0;
  let tooShort = 0;
  for (let m = 0; m < messages.length; m++) {
    const decision = decisions[m]!;
    if (!decision.escalate) continue;
    escalated++;
    const text = messages[m]!.text;
    const a = await service.attribute(text, decision.active);
    for (const label of a.labels) {
      if (label.words.length < 4) {
        tooShort++;
        continue;
      }
      const top = label.words.slice(0, 3);
      const pool = [...label.words];
      const picked = Array.from({ length: 3 }, () => pool.splice(Math.floor(random() * pool.length), 1)[0]!);
      const [withoutTop, withoutRandom] = await classifier.predict([withoutWords(text, top), withoutWords(text, picked)]);
      const j = classifier.labels.indexOf(label.label);
      const topDrop = label.probability - withoutTop![j]!;
      const randomDrop = label.probability - withoutRandom![j]!;
      cases.push({ id: messages[m]!.id, label: label.label, won: topDrop > randomDrop, topDrop, randomDrop });
    }
  }
  const share = (list: typeof cases) => (list.length ? list.filter((c) => c.won).length / list.length : Number.NaN);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const byLabel = Object.fromEntries(
    [...new Set(cases.map((c) => c.label))].map((label) => {
      const list = cases.filter((c) => c.label === label);
      return [label, { cases: list.length, share: share(list) }];
    }),
  );
  const faithfulness = {
    messages: messages.length,
    escalated,
    cases: cases.length,
    skippedUnder4Words: tooShort,
    share: share(cases),
    meanDropTop3: mean(cases.map((c) => c.topDrop)),
    meanDropRandom3: mean(cases.map((c) => c.randomDrop)),
    byLabel,
    seed: args.seed,
  };

  const report = { model: modelDir, modelId: classifier.modelId, modelFile: classifier.modelFile, maxWords: args.maxWords, latency, faithfulness };
  await service.drain();
  await classifier.dispose();
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const ms = (x: { p50: number; p99: number }) => `P50 ${x.p50.toFixed(1)} ms, P99 ${x.p99.toFixed(1)} ms`;
  process.stdout.write(
    [
      `model ${report.modelFile}`,
      `latency (${latency.wordPieces} word pieces, ${latency.wordsConsidered} words attributed, active ${latency.active.join('+') || 'none'}, ${args.iterations} runs):`,
      `  classify            ${ms(latency.classifyMs)}`,
      `  classify + explain  ${ms(latency.classifyExplainMs)}`,
      `faithfulness: ${messages.length} hand-written messages, ${escalated} escalated, ${cases.length} (message, active label) cases (${tooShort} with under 4 words skipped)`,
      `  deleting the top 3 words lowers the label more than 3 random words in ${(100 * faithfulness.share).toFixed(1)}% of cases` +
        ` (mean drop ${faithfulness.meanDropTop3.toFixed(3)} vs ${faithfulness.meanDropRandom3.toFixed(3)})`,
      ...Object.entries(byLabel).map(([label, v]) => `  ${label}: ${(100 * v.share).toFixed(1)}% of ${v.cases}`),
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
