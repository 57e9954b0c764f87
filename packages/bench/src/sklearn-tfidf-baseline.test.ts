import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LABELS } from '@mangaassist/common';
import { baselineLabelSet, decideLabelSets, generateCorpus, labelSetMetrics, stratifiedSplit, writeJsonl } from '@mangaassist/data';
import { DEFAULT_PYTHON } from './train/pytorch-baseline';

// The textbook scikit-learn baseline that docs/results reads beside `trainTfidfBaseline`: its figures are only
// comparable with the project's if it decides label sets exactly as the project does, which is what this checks.
const SCRIPT = join(__dirname, '..', 'python', 'sklearn_tfidf_baseline.py');
const sklearn = spawnSync(DEFAULT_PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' });
const available = sklearn.status === 0;

interface ScriptOutput {
  readonly chosen: { readonly C: number; readonly classWeight: string; readonly validationMacroF1: number };
  readonly tried: readonly { readonly C: number; readonly classWeight: string; readonly validationMacroF1: number }[];
  readonly evaluated: Record<string, { readonly messages: number; readonly own: { readonly macroF1: number }; readonly labelSet: { readonly macroF1: number } }>;
}

interface Probabilities {
  readonly labels: string[];
  readonly sets: Record<string, { readonly texts: string[]; readonly targets: number[][]; readonly probs: number[][] }>;
}

(available ? describe : describe.skip)(`python/sklearn_tfidf_baseline.py${available ? '' : ` (skipped: ${DEFAULT_PYTHON} cannot import sklearn; apt-get install python3-sklearn)`}`, () => {
  let dir: string;
  let output: ScriptOutput;
  let probabilities: Probabilities;
  let evaluation: string;
  let truth: string[][];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sklearn-baseline-'));
    const { train, val } = stratifiedSplit(generateCorpus({ n: 500, seed: 11 }).examples, { valFraction: 0.2, seed: 1 });
    writeJsonl(join(dir, 'train.jsonl'), train);
    writeJsonl(join(dir, 'validation.jsonl'), val);
    evaluation = join(dir, 'evaluation.jsonl');
    writeJsonl(evaluation, generateCorpus({ n: 120, seed: 12 }).examples);
    const run = spawnSync(
      DEFAULT_PYTHON,
      [SCRIPT, '--train', join(dir, 'train.jsonl'), '--validation', join(dir, 'validation.jsonl'), '--evaluate', evaluation, '--probabilities', join(dir, 'p.json')],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`the script failed (${run.status}): ${run.stderr}`);
    output = JSON.parse(run.stdout) as ScriptOutput;
    probabilities = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as Probabilities;
    truth = probabilities.sets[evaluation]!.targets.map((row) => DEFAULT_LABELS.filter((_, j) => row[j] === 1));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores in the project’s label order', () => {
    expect(probabilities.labels).toEqual([...DEFAULT_LABELS]);
  });

  it('decides under the baseline’s own rule as trainTfidfBaseline.predict does', () => {
    const set = probabilities.sets[evaluation]!;
    const own = labelSetMetrics(truth, set.probs.map((p) => baselineLabelSet(DEFAULT_LABELS, p)), DEFAULT_LABELS);
    expect(output.evaluated[evaluation]!.messages).toBe(120);
    expect(output.evaluated[evaluation]!.own.macroF1).toBeCloseTo(own.macroF1, 9);
  });

  it('decides under the served rule as decideLabelSets does', () => {
    const set = probabilities.sets[evaluation]!;
    const decided = decideLabelSets(set.probs, DEFAULT_LABELS.map(() => 0.5), DEFAULT_LABELS).map((row) => DEFAULT_LABELS.filter((_, j) => row[j] === 1));
    expect(output.evaluated[evaluation]!.labelSet.macroF1).toBeCloseTo(labelSetMetrics(truth, decided, DEFAULT_LABELS).macroF1, 9);
    // and the fit learned the generated messages well above chance.
    expect(output.evaluated[evaluation]!.labelSet.macroF1).toBeGreaterThan(0.5);
  });

  it('chooses the setting with the best validation score, over C and both class weightings', () => {
    const best = Math.max(...output.tried.map((t) => t.validationMacroF1));
    expect(output.chosen.validationMacroF1).toBe(best);
    expect(new Set(output.tried.map((t) => t.classWeight))).toEqual(new Set(['none', 'balanced']));
    expect(output.tried).toHaveLength(10);
  });

  it('refuses a label outside the label set, naming the file and line', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ text: 'ok', labels: ['neutral'] })}\n${JSON.stringify({ text: 'hm', labels: ['anger'] })}\n`);
    const run = spawnSync(DEFAULT_PYTHON, [SCRIPT, '--train', bad, '--validation', bad, '--evaluate', bad], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`${bad}:2: labels ['anger'] are not among`);
  });

  it('refuses training files in which a label is never on, naming the label', () => {
    const few = join(dir, 'few.jsonl');
    writeFileSync(few, `${JSON.stringify({ text: 'ok', labels: ['neutral'] })}\n${JSON.stringify({ text: 'late!!', labels: ['frustration'] })}\n`);
    const run = spawnSync(DEFAULT_PYTHON, [SCRIPT, '--train', few, '--validation', few, '--evaluate', few], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--train: no message is satisfaction');
  });
});
