import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MangaAssistError, sharedAsset, type MlmSource, type PretrainMlmConfig } from '@mangaassist/common';
import { loadMaskedLm } from '@mangaassist/core-model';
import { generateCorpus, readTexts } from '@mangaassist/data';
import { atomicWriteFile } from './atomic-file';
import { hashDataFiles } from './data-files';
import type { MlmExample } from './mlm-evaluate';
import { pretrainMaskedLm } from './mlm-loop';
import type { MlmReporter, MlmSummary } from './mlm-records';
import { createLrScheduleRegistry } from './registries';
import { mixSeed, permutation } from './rng';
import { lockRunDir } from './run-lock';
import { checkRunDir, configFingerprint } from './train-job';

/** The shared asset read by default: GoEmotions' training comments (labels unused). */
export const DEFAULT_MLM_SHARED_TEXT = 'data/goemotions/train.tsv';

/** The file a masked-LM run writes its resolved configuration to (beside the model's own `config.json`). */
export const MLM_JOB_CONFIG_FILE = 'pretrain-mlm.json';

/** Options of {@link runPretrainMlmJob}. */
export interface PretrainMlmJobOptions {
  /** Continue the run in `training.outDir` from its checkpoint. */
  readonly resume?: boolean;
  /** Start over even when `training.outDir` already holds a run. */
  readonly overwrite?: boolean;
  /** With `resume`: when a text file changed since the checkpoint, start a new run instead of refusing. */
  readonly restartOnDataChange?: boolean;
  readonly reporter?: MlmReporter;
  /** Aborting checkpoints after the current step and ends the run as `interrupted`. */
  readonly signal?: AbortSignal;
  /** Receives one line per preparation stage (sources read, split, tokenised, model loaded). */
  readonly log?: (line: string) => void;
}

/** What {@link runPretrainMlmJob} returns. */
export interface PretrainMlmJobResult {
  readonly summary: MlmSummary;
  /** Wall time of the whole job in this process: data, tokenisation, model loading, evaluations and training. */
  readonly wallSeconds: number;
  /** The sources used, with the texts each gave. */
  readonly sources: readonly { readonly name: string; readonly texts: number }[];
}

/**
 * The sources of a job: `data.sources`, or by default GoEmotions' training comments (`data/goemotions/train.tsv`
 * of the shared assets, when present) and the generated MangaAssist corpus. `notes` says what the default left out.
 *
 * @example
 * ```ts
 * const { sources, notes } = resolveMlmSources(config);
 * ```
 */
export function resolveMlmSources(config: PretrainMlmConfig): { sources: MlmSource[]; notes: string[] } {
  if (config.data.sources) return { sources: [...config.data.sources], notes: [] };
  const goemotions = sharedAsset(DEFAULT_MLM_SHARED_TEXT);
  const generated: MlmSource = { kind: 'generated', name: 'generated', n: 20_000, seed: 7 };
  if (!goemotions) return { sources: [generated], notes: [`${DEFAULT_MLM_SHARED_TEXT} is not in the shared assets; using the generated corpus alone`] };
  return { sources: [{ kind: 'file', name: 'goemotions', path: goemotions, textColumn: 'text' }, generated], notes: [] };
}

/**
 * Reads each source's texts (see `readTexts` for files; the seeded generator otherwise), named for the held-out report.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` when two sources have the same name
 *
 * @example
 * ```ts
 * const corpora = readMlmSources(resolveMlmSources(config).sources); // [{ name: 'goemotions', texts: [...] }, …]
 * ```
 */
export function readMlmSources(sources: readonly MlmSource[]): { name: string; texts: string[] }[] {
  const corpora = sources.map((source) => {
    if (source.kind === 'generated') return { name: source.name ?? 'generated', texts: generateCorpus({ n: source.n, seed: source.seed }).examples.map((e) => e.text) };
    return { name: source.name ?? basename(source.path), texts: readTexts(source.path, { format: source.format, textColumn: source.textColumn }).texts };
  });
  const names = corpora.map((c) => c.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new MangaAssistError('INVALID_ARGUMENT', `data.sources: two sources are named "${repeated}"; give one a distinct name`, { field: 'data.sources' });
  }
  return corpora;
}

/**
 * Runs a masked-LM pretraining job from its configuration: reads the sources, holds out a seeded share of the texts,
 * loads the model (`loadMaskedLm`: the head of a `DistilBertForMaskedLM` is kept, other checkpoints get a new one),
 * tokenises, writes `pretrain-mlm.json` and trains (see {@link pretrainMaskedLm}); the model, the checkpoint, the
 * metrics log and `mlm-summary.json` land in `training.outDir`.
 *
 * The TensorFlow.js backend must already be selected (`selectTfjsBackend` from `@mangaassist/runtime-tfjs`).
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` when the output directory already holds a run and neither `resume` nor
 *   `overwrite` is set; `PLUGIN_UNKNOWN`/`PLUGIN_OPTIONS_INVALID` for a bad LR schedule (checked before any data is read)
 *
 * @example
 * ```ts
 * const config = loadConfigFile(pretrainMlmConfigSchema, 'configs/dapt.yaml');
 * const { summary } = await runPretrainMlmJob(config, { reporter: createMlmConsoleReporter() });
 * console.log(summary.heldOut.before.loss, summary.heldOut.after?.loss);
 * ```
 */
export async function runPretrainMlmJob(config: PretrainMlmConfig, options: PretrainMlmJobOptions = {}): Promise<PretrainMlmJobResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const outDir = config.training.outDir;
  checkRunDir(outDir, options);
  const lrSchedule = createLrScheduleRegistry().create(config.schedule.lr.id, config.schedule.lr.options, undefined);
  const { sources, notes } = resolveMlmSources(config);
  notes.forEach((note) => log(note));
  const corpora = readMlmSources(sources);
  const texts = corpora.flatMap((c) => c.texts.map((text) => ({ text, source: c.name })));
  log(`data: ${corpora.map((c) => `${c.name} ${c.texts.length} texts`).join(', ')}`);
  const heldOutCount = Math.min(config.data.maxHeldOutTexts, Math.max(1, Math.round(texts.length * config.data.heldOutFraction)));
  if (texts.length < 2 || heldOutCount >= texts.length) {
    throw new MangaAssistError('DATA_INVALID', `data.sources hold ${texts.length} text(s); at least 2 are needed to hold some out`, { field: 'data.sources' });
  }
  const order = permutation(texts.length, mixSeed(config.training.seed, 0x5b1e));

  const model = await loadMaskedLm(config.model.pretrained, { seed: config.training.seed, ...(config.model.cacheDir ? { cacheDir: config.model.cacheDir } : {}) });
  try {
    log(
      `model: ${config.model.pretrained} (${model.encoder.config.n_layers} layers, dim ${model.encoder.config.dim}; MLM head ${model.report?.head ?? 'loaded'})`,
    );
    const masking = model.maskingOptions(config.masking);
    const tokenizeStart = performance.now();
    // Texts with nothing to mask once tokenised (emoji alone map to [UNK]) cannot teach or measure anything.
    const encode = (i: number): MlmExample | undefined => {
      const ids = Int32Array.from(model.tokenizer.encode(texts[i]!.text, { maxLength: config.model.maxLength }).ids);
      return ids.some((id) => !masking.specialIds.has(id)) ? { ids, source: texts[i]!.source } : undefined;
    };
    const heldOut = order.slice(0, heldOutCount).map(encode).filter((e): e is MlmExample => e !== undefined);
    const train = order
      .slice(heldOutCount)
      .map(encode)
      .filter((e): e is MlmExample => e !== undefined)
      .map((e) => e.ids);
    const tokens = train.reduce((sum, ids) => sum + ids.length, 0);
    log(
      `split: ${train.length} training and ${heldOut.length} held-out texts (${texts.length - train.length - heldOut.length} with no maskable token left out); ` +
        `${tokens} training tokens (max length ${config.model.maxLength}); tokenised in ${((performance.now() - tokenizeStart) / 1000).toFixed(1)} s`,
    );
    const resolved = { ...config, data: { ...config.data, sources } };
    mkdirSync(outDir, { recursive: true });
    const release = lockRunDir(outDir, { log });
    try {
      if (!options.resume) atomicWriteFile(join(outDir, MLM_JOB_CONFIG_FILE), `${JSON.stringify(resolved, null, 2)}\n`);
      const summary = await pretrainMaskedLm({
        model,
        train,
        heldOut,
        masking,
        lrSchedule,
        optimizer: config.optimizer,
        epochs: config.schedule.epochs,
        batchSize: config.training.batchSize,
        evalBatchSize: config.training.evalBatchSize,
        seed: config.training.seed,
        maxSteps: config.training.maxSteps,
        checkpointEverySteps: config.training.checkpointEverySteps,
        logEverySteps: config.training.logEverySteps,
        evalEverySteps: config.training.evalEverySteps,
        padId: model.tokenizer.padId,
        runDir: outDir,
        resume: options.resume ?? false,
        fingerprint: configFingerprint(resolved),
        dataFiles: hashDataFiles(sources.flatMap((source) => (source.kind === 'file' ? [source.path] : []))),
        restartOnDataChange: options.restartOnDataChange ?? false,
        log,
        reporter: options.reporter,
        signal: options.signal,
      });
      return { summary, wallSeconds: (performance.now() - started) / 1000, sources: corpora.map((c) => ({ name: c.name, texts: c.texts.length })) };
    } finally {
      release();
    }
  } finally {
    model.dispose();
  }
}
