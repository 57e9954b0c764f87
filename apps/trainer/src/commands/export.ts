import { exportClassifier, QUANTIZE_MODES, type ExportResult } from '@mangaassist/export';
import { OnnxTextClassifier } from '@mangaassist/serving';
import { Option, type Command } from 'commander';
import type { CommandModule } from './command-module';
import { megabytes } from '@mangaassist/pipelines';

/** Options of `mangaassist export`, as commander parses them. */
export interface ExportCliOptions {
  readonly model: string;
  readonly out: string;
  readonly quantize: (typeof QUANTIZE_MODES)[number];
  readonly fusion: 'contrib' | 'standard';
  readonly thresholds?: string;
  readonly reduceRange?: boolean;
  readonly modelId?: string;
  readonly check: boolean;
  readonly json?: boolean;
}

/** A sentence classified by the post-export check (both precisions), printed so a person sees the model work. */
const CHECK_TEXT = 'Where is my order?! This is the third time I ask, I want to cancel.';

/** What the post-export check found: each graph loads in ONNX Runtime and classifies {@link CHECK_TEXT}. */
export interface ExportCheck {
  readonly text: string;
  readonly probabilities: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Largest |fp32 − int8| probability on the text (int8 exports only). */
  readonly int8MaxAbsDiff: number | null;
}

async function checkExport(result: ExportResult): Promise<ExportCheck> {
  const probabilities: Record<string, Record<string, number>> = {};
  for (const precision of result.quantized ? (['fp32', 'int8'] as const) : (['fp32'] as const)) {
    const classifier = await OnnxTextClassifier.load(result.outDir, { precision });
    try {
      const [probs] = await classifier.predict([CHECK_TEXT]);
      probabilities[precision] = Object.fromEntries(classifier.labels.map((l, i) => [l, probs![i]!]));
    } finally {
      await classifier.dispose();
    }
  }
  const { fp32, int8 } = probabilities;
  const int8MaxAbsDiff = int8 ? Math.max(...Object.keys(fp32!).map((l) => Math.abs(fp32![l]! - int8[l]!))) : null;
  return { text: CHECK_TEXT, probabilities, int8MaxAbsDiff };
}

/**
 * The head's parts as the summary lists them: the deep Linear pair, the wide n-grams added to its logits, and the
 * n-gram ensemble whose probability is averaged with theirs (over WordPiece n-grams, or TF-IDF over words); a part
 * the model lacks is not mentioned.
 */
function describeHead(result: ExportResult): string[] {
  const wide = result.wide ? ` + wide n-grams (unigrams${result.wide.bigrams ? `, ${result.wide.buckets} bigram buckets` : ''})` : '';
  const lines = [`  head: ${result.head.hidden} → ReLU → ${result.head.output}${wide}`];
  const ensemble = result.ngramEnsemble;
  if (ensemble) {
    const features =
      ensemble.features === 'words' ? `TF-IDF over word uni- and bigrams in ${ensemble.buckets} buckets each` : `${ensemble.buckets} bigram buckets`;
    lines.push(`  n-gram ensemble: weight ${ensemble.weight} of the probability, ${features} (mixed into logits)`);
  }
  return lines;
}

function formatReport(result: ExportResult, check: ExportCheck | undefined): string {
  const lines = [
    `exported ${result.labels.length} labels (${result.labels.join(', ')}) to ${result.outDir}`,
    `  onnx/model.onnx            ${megabytes(result.model.bytes)}  sha256 ${result.model.sha256.slice(0, 16)}…`,
  ];
  if (result.quantized) {
    lines.push(`  onnx/model_quantized.onnx  ${megabytes(result.quantized.bytes)}  sha256 ${result.quantized.sha256.slice(0, 16)}…`);
  }
  lines.push(
    ...describeHead(result),
    `  thresholds: ${result.thresholds.kind === 'file' ? result.thresholds.file : `${result.thresholds.value} for every label (no thresholds.json; run calibrate)`}`,
  );
  if (check) {
    lines.push(`check: "${check.text}"`);
    for (const [precision, probs] of Object.entries(check.probabilities)) {
      lines.push(`  ${precision.padEnd(4)} ${Object.entries(probs).map(([l, p]) => `${l} ${p.toFixed(3)}`).join('  ')}`);
    }
    if (check.int8MaxAbsDiff !== null) lines.push(`  int8 vs fp32: max |Δ probability| ${check.int8MaxAbsDiff.toExponential(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `mangaassist export --model <dir> --out <dir> [--quantize int8]`: writes the fine-tuned classifier as ONNX
 * (onnx/model.onnx, and onnx/model_quantized.onnx with `--quantize int8`) with config.json, tokenizer files and
 * thresholds.json, in the layout transformers.js and the server load; then loads each graph with ONNX Runtime and
 * classifies one sentence (skip with `--no-check`).
 *
 * @example
 * ```bash
 * npm run cli -- export --model runs/quickstart/model --out runs/quickstart/onnx --quantize int8 --model-id manga-v3
 * npm run cli -- export --model runs/m --out runs/m-onnx --fusion standard --no-check --json
 * ```
 */
export const exportCommand: CommandModule = {
  name: 'export',
  register(program: Command) {
    program
      .command('export')
      .description('export a fine-tuned model to ONNX for serving')
      .requiredOption('--model <dir>', 'fine-tuned model directory (config.json, model.safetensors, tokenizer.json)')
      .requiredOption('--out <dir>', 'output directory (transformers.js layout)')
      .addOption(new Option('--quantize <mode>', 'also write a dynamically quantised graph').choices(QUANTIZE_MODES).default('none'))
      .addOption(
        new Option('--fusion <mode>', 'ONNX Runtime fused kernels, or standard opset-17 operators only')
          .choices(['contrib', 'standard'])
          .default('contrib'),
      )
      .option('--thresholds <file>', 'thresholds.json to ship (default: the one in the model directory, else 0.5)')
      .option('--reduce-range', 'int8 weights in ±63 (for x86 CPUs without VNNI)')
      .option('--model-id <id>', "the model's id in the exported config.json: the id the server keys thresholds by (default: the source's)")
      .option('--no-check', 'do not load the exported graphs with ONNX Runtime afterwards')
      .option('--json', 'print the result as JSON')
      .action(async (options: ExportCliOptions) => {
        const result = exportClassifier({
          modelDir: options.model,
          outDir: options.out,
          quantize: options.quantize,
          fusion: options.fusion,
          ...(options.thresholds ? { thresholdsFile: options.thresholds } : {}),
          reduceRange: options.reduceRange ?? false,
          ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
        });
        const check = options.check ? await checkExport(result) : undefined;
        process.stdout.write(options.json ? `${JSON.stringify({ ...result, check: check ?? null }, null, 2)}\n` : formatReport(result, check));
      });
  },
};
