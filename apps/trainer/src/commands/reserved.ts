import type { Command } from 'commander';
import type { CommandModule } from './command-module';

/** Names the CLI keeps for its subcommands, with the line shown in `--help`. */
const RESERVED: Record<string, string> = {
  train: 'fine-tune the classifier from a YAML/JSON config',
  'pretrain-mlm': 'continue masked-LM pretraining of an encoder on unlabelled text (domain adaptation)',
  evaluate: 'evaluate a model directory on a labelled data file',
  calibrate: 'choose per-label thresholds on validation data and store them',
  export: 'export a fine-tuned model to ONNX for serving',
  parity: 'check tokenizer and encoder against the Hugging Face reference fixtures',
  bench: 'benchmarks (training throughput, serving latency)',
  quickstart: 'generate data, fine-tune, calibrate, export and serve, end to end',
  ablation: 'ablation and loss-comparison tables on a data set',
  losses: 'list the registered loss plugins and their options',
  schedules: 'list the registered unfreezing and learning-rate schedule plugins',
  data: 'generate the MangaAssist corpus and describe dataset files',
};

/**
 * Placeholders for subcommands that this build does not provide yet: they appear in `--help` marked as such and
 * exit with status 2 and a clear message, so scripts fail loudly instead of silently doing nothing.
 */
export function reservedCommands(implemented: ReadonlySet<string>): CommandModule[] {
  return Object.entries(RESERVED)
    .filter(([name]) => !implemented.has(name))
    .map(([name, summary]) => ({
      name,
      register(program: Command) {
        program
          .command(name)
          .description(`${summary} (not available in this build)`)
          .allowUnknownOption(true)
          .allowExcessArguments(true)
          .action(() => {
            process.stderr.write(`mangaassist ${name}: not available in this build yet\n`);
            process.exitCode = 2;
          });
      },
    }));
}
