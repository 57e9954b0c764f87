import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MangaAssistError, sharedDir } from '@mangaassist/common';
import { runHfParity, type ParityReport } from '@mangaassist/core-model';
import { selectTfjsBackend, TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import type { Command } from 'commander';
import type { CommandModule } from './command-module';

/** Options of `mangaassist parity`, as commander parses them. */
export interface ParityCliOptions {
  readonly fixtures?: string;
  readonly backend: string;
  readonly tolerance: string;
  readonly json?: boolean;
}

/** What `parity --json` prints: the measurements, the verdict and how the backend was chosen. */
export interface ParityCliReport extends ParityReport {
  readonly tolerance: number;
  readonly ok: boolean;
  readonly backend_selection: string;
}

/**
 * Runs the parity check and returns the report (the command prints it). Exported for tests and scripts.
 *
 * @throws MangaAssistError `NOT_FOUND` naming the fixtures folder when it is absent
 *
 * @example
 * ```ts
 * const report = await parityReport({ backend: 'cpu', tolerance: '1e-4' });
 * if (!report.ok) process.exitCode = 1;
 * ```
 */
export async function parityReport(options: ParityCliOptions): Promise<ParityCliReport> {
  const fixtures = resolve(options.fixtures ?? join(sharedDir(), 'fixtures', 'hf'));
  if (!existsSync(join(fixtures, 'tokenizer_cases.json'))) {
    throw new MangaAssistError(
      'NOT_FOUND',
      `${fixtures}: no tokenizer_cases.json; --fixtures must name the Hugging Face fixtures folder (../shared/fixtures/hf)`,
      { fixtures },
    );
  }
  const tolerance = Number(options.tolerance);
  if (!(tolerance > 0)) throw new RangeError(`--tolerance must be a positive number, got ${options.tolerance}`);
  if (!TFJS_BACKEND_REQUESTS.includes(options.backend)) {
    throw new RangeError(`--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got ${options.backend}`);
  }
  const selection = await selectTfjsBackend({ backend: options.backend as TfjsBackendRequest });
  const report = await runHfParity(fixtures);
  const ok = report.tokenizer_mismatches === 0 && report.max_abs_diff <= tolerance;
  return { ...report, tolerance, ok, backend_selection: selection.message };
}

/**
 * The text form of a parity report.
 *
 * @example
 * ```ts
 * process.stdout.write(formatParity(await parityReport({ backend: 'cpu', tolerance: '1e-4' })));
 * ```
 */
export function formatParity(report: ParityCliReport): string {
  const passed = report.tokenizer_cases - report.tokenizer_mismatches;
  const lines = [
    `tokenizer: ${passed}/${report.tokenizer_cases} cases match Hugging Face (tokens, ids, truncation to 16)`,
    ...report.mismatch_details.map((m) => `  case ${m.index} ${JSON.stringify(m.text.slice(0, 40))}: ${m.fields.join(', ')} differ`),
    `encoder:   max |Δ| of last_hidden_state ${report.max_abs_diff.toExponential(2)} over ${report.positions_compared}; ` +
      `unmasked positions only ${report.max_abs_diff_unmasked.toExponential(2)} (tolerance ${report.tolerance})`,
    `backend:   ${report.backend_selection}`,
    `parity:    ${report.ok ? 'OK' : 'FAILED'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `mangaassist parity [--fixtures <dir>] [--backend <name>] [--json]`: checks the tokenizer on the 24 reference
 * cases and the DistilBERT encoder on the tiny reference model against Hugging Face's outputs. Exits with status 1
 * when a tokenizer case differs or the largest difference exceeds the tolerance.
 *
 * @example
 * ```bash
 * npm run cli -- parity --json
 * npm run cli -- parity --fixtures ../shared/fixtures/hf --backend cpu
 * ```
 */
export const parityCommand: CommandModule = {
  name: 'parity',
  register(program: Command) {
    program
      .command('parity')
      .description('check tokenizer and encoder against the Hugging Face reference fixtures')
      .option('--fixtures <dir>', 'Hugging Face fixtures folder (default: ../shared/fixtures/hf)')
      .option('--backend <name>', `TensorFlow.js backend: ${TFJS_BACKEND_REQUESTS.join(', ')}`, 'auto')
      .option('--tolerance <number>', 'largest allowed |Δ| on last_hidden_state', '1e-4')
      .option('--json', 'print the report as JSON')
      .action(async (options: ParityCliOptions) => {
        const report = await parityReport(options);
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatParity(report));
        if (!report.ok) process.exitCode = 1;
      });
  },
};
