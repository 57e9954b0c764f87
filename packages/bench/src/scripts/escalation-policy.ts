// Conversation-level escalation: recall and false escalations of the escalation policies on multi-turn
// conversations whose last message alone is ambiguous, deciding each message alone and with its earlier turns.
// The model scores every turn once (the recording); the policies are then replayed on the recorded probabilities.
//   npx tsc -b packages/bench && node packages/bench/dist/scripts/escalation-policy.js                 # TF-IDF baseline, trained here
//   node packages/bench/dist/scripts/escalation-policy.js --model runs/quickstart/model              # the exported ONNX model
//   node packages/bench/dist/scripts/escalation-policy.js --record runs/conv-probs.json             # keep the recording
//   node packages/bench/dist/scripts/escalation-policy.js --probabilities runs/conv-probs.json      # replay only (milliseconds)
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CHURN_PHRASES, DEFAULT_LABELS } from '@mangaassist/common';
import {
  generateConversations,
  generateCorpus,
  handwrittenConversationsPath,
  readConversations,
  toMultiHot,
  trainTfidfBaseline,
  type LabelledConversation,
} from '@mangaassist/data';
import { DEFAULT_THRESHOLD, readShippedThresholds } from '@mangaassist/model-format';
import {
  createEscalationPolicy,
  createEscalationPolicyRegistry,
  evaluateConversations,
  OnnxTextClassifier,
  type ConversationEvaluation,
  type RecordedConversation,
} from '@mangaassist/serving';
import { createThresholdStrategyRegistry, LabelScores } from '@mangaassist/thresholds';
import { printTable } from './bench-util';

/** What `--record` writes and `--probabilities` reads. */
interface Recording {
  readonly source: string;
  readonly labels: readonly string[];
  readonly thresholds: Readonly<Record<string, number>>;
  readonly sets: Readonly<Record<string, RecordedConversation[]>>;
}

interface Scorer {
  readonly source: string;
  readonly labels: readonly string[];
  readonly thresholds: Record<string, number>;
  predict(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** The TF-IDF baseline (the strongest scorer on hand-written messages so far), thresholds by F-beta on generated validation data. */
function baselineScorer(trainN: number, seed: number): Scorer {
  const labels = [...DEFAULT_LABELS];
  const baseline = trainTfidfBaseline(generateCorpus({ n: trainN, seed }).examples, labels);
  const validation = generateCorpus({ n: Math.ceil(trainN / 2), seed: seed + 1 }).examples;
  const probabilities = baseline.predictProba(validation.map((e) => e.text));
  const targets = toMultiHot(validation, labels);
  const strategy = createThresholdStrategyRegistry().create('fbeta-sweep', {}, { labels });
  const thresholds = Object.fromEntries(
    labels.map((label, l) => [
      label,
      strategy.choose(label, LabelScores.fromColumn(probabilities.map((p) => p[l] as number), targets.map((t) => t[l] as number))).threshold,
    ]),
  );
  return {
    source: `tfidf-baseline (generated corpus n=${trainN} seed=${seed}; thresholds: fbeta-sweep on n=${validation.length} seed=${seed + 1})`,
    labels,
    thresholds,
    predict: async (texts) => baseline.predictProba(texts),
    dispose: async () => undefined,
  };
}

async function onnxScorer(dir: string): Promise<Scorer> {
  const classifier = await OnnxTextClassifier.load(dir);
  // The format's reader: a malformed file or one naming a label the model lacks fails here, not as a silent 0.5.
  const shipped = readShippedThresholds(dir, classifier.labels);
  return {
    source: `onnx ${dir}${shipped ? ' (thresholds.json)' : ` (no thresholds.json: ${DEFAULT_THRESHOLD})`}`,
    labels: classifier.labels,
    thresholds: Object.fromEntries(classifier.labels.map((label) => [label, shipped?.thresholds[label] ?? DEFAULT_THRESHOLD])),
    predict: (texts) => classifier.predict(texts),
    dispose: () => classifier.dispose(),
  };
}

async function record(scorer: Scorer, sets: Record<string, LabelledConversation[]>): Promise<Recording> {
  const recorded: Record<string, RecordedConversation[]> = {};
  for (const [name, conversations] of Object.entries(sets)) {
    const texts = conversations.flatMap((c) => c.turns);
    const probabilities: Float32Array[] = [];
    // The batching of pipelines' onnxSplitModel, repeated: bench sits below the pipeline layer and may not import it.
    for (let i = 0; i < texts.length; i += 64) probabilities.push(...(await scorer.predict(texts.slice(i, i + 64))));
    let next = 0;
    recorded[name] = conversations.map((c) => ({
      id: c.id,
      escalate: c.escalate,
      pattern: c.pattern,
      turns: c.turns.map((text) => ({ text, probabilities: Array.from(probabilities[next++] as Float32Array, (p) => Math.round(p * 1e6) / 1e6) })),
    }));
  }
  return { source: scorer.source, labels: scorer.labels, thresholds: scorer.thresholds, sets: recorded };
}

/** Policies compared: the message alone, the conversation with every signal, and each signal on its own. */
const OFF = { sustained: { enabled: false }, rising: { enabled: false }, repeatedOrder: { enabled: false }, churnCarryOver: { enabled: false } };
const VARIANTS: { name: string; id: string; options: Record<string, unknown>; history: boolean }[] = [
  { name: 'default (message only)', id: 'default', options: {}, history: false },
  { name: 'conversation-aware, no history', id: 'conversation-aware', options: {}, history: false },
  { name: 'conversation-aware, history', id: 'conversation-aware', options: {}, history: true },
  { name: '  only sustained frustration', id: 'conversation-aware', options: { ...OFF, sustained: { enabled: true } }, history: true },
  { name: '  only rising frustration', id: 'conversation-aware', options: { ...OFF, rising: { enabled: true } }, history: true },
  { name: '  only repeated order', id: 'conversation-aware', options: { ...OFF, repeatedOrder: { enabled: true } }, history: true },
  { name: '  only earlier churn phrase', id: 'conversation-aware', options: { ...OFF, churnCarryOver: { enabled: true } }, history: true },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      conversations: { type: 'string' },
      generated: { type: 'string', default: '200' },
      seed: { type: 'string', default: '11' },
      model: { type: 'string' },
      'train-n': { type: 'string', default: '4000' },
      record: { type: 'string' },
      probabilities: { type: 'string' },
      'churn-boost': { type: 'string', default: '0.35' },
      json: { type: 'boolean' },
    },
  });
  const started = performance.now();
  let recording: Recording;
  if (values.probabilities) {
    recording = JSON.parse(readFileSync(values.probabilities, 'utf8')) as Recording;
  } else {
    const sets: Record<string, LabelledConversation[]> = {
      'hand-written': readConversations(values.conversations ?? handwrittenConversationsPath()),
    };
    const generated = Number(values.generated);
    if (generated > 0) sets[`generated (n=${generated}, seed=${values.seed})`] = generateConversations({ n: generated, seed: Number(values.seed) });
    const scorer = values.model ? await onnxScorer(values.model) : baselineScorer(Number(values['train-n']), 7);
    try {
      recording = await record(scorer, sets);
    } finally {
      await scorer.dispose();
    }
    if (values.record) writeFileSync(values.record, `${JSON.stringify(recording)}\n`);
  }
  const scoredMs = performance.now() - started;

  const registry = createEscalationPolicyRegistry();
  const settings = { thresholds: recording.thresholds, defaultThreshold: DEFAULT_THRESHOLD, churnBoost: Number(values['churn-boost']) };
  const replayStart = performance.now();
  const results: { set: string; variant: string; evaluation: ConversationEvaluation }[] = [];
  for (const [set, conversations] of Object.entries(recording.sets)) {
    for (const variant of VARIANTS) {
      const policy = createEscalationPolicy(registry, { id: variant.id, options: variant.options }, recording.labels);
      const evaluation = evaluateConversations(conversations, {
        labels: recording.labels,
        policy,
        settings,
        churnPhrases: [...DEFAULT_CHURN_PHRASES],
        history: variant.history,
      });
      results.push({ set, variant: variant.name, evaluation });
    }
  }
  const replayMs = performance.now() - replayStart;

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ source: recording.source, thresholds: recording.thresholds, scoredMs, replayMs, results }, null, 2)}\n`);
    return;
  }
  process.stderr.write(`probabilities: ${recording.source}\n`);
  process.stderr.write(`thresholds: frustration ${recording.thresholds.frustration}, churn_risk ${recording.thresholds.churn_risk}; churn boost ${settings.churnBoost}\n`);
  process.stderr.write(`scoring ${(scoredMs / 1000).toFixed(1)} s, replaying ${results.length} evaluations ${replayMs.toFixed(0)} ms\n`);
  for (const set of Object.keys(recording.sets)) {
    const rows = results.filter((r) => r.set === set);
    const head = rows[0]!.evaluation;
    printTable(`${set}: ${head.conversations} conversations, ${head.positives} to escalate (decided on the last message; "any" = any message escalated)`, [
      ['policy', 'recall', 'false esc.', 'false rate', 'from conv.', 'recall any', 'false any'],
      ...rows.map(({ variant, evaluation: e }) => [
        variant,
        e.recall,
        String(e.falseEscalations),
        e.falseEscalationRate,
        String(e.fromConversation),
        e.recallAnyTurn,
        String(e.falseEscalationsAnyTurn),
      ]),
    ]);
    const full = rows.find((r) => r.variant === 'conversation-aware, history')!.evaluation;
    const alone = rows.find((r) => r.variant === 'default (message only)')!.evaluation;
    printTable(`${set}: escalated on the last message, per pattern`, [
      ['pattern', 'label', 'n', 'message only', 'with history'],
      ...Object.entries(full.byPattern).map(([pattern, row]) => [
        pattern,
        row.escalate ? 'escalate' : 'no',
        String(row.conversations),
        String(alone.byPattern[pattern]?.escalated ?? 0),
        String(row.escalated),
      ]),
    ]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
