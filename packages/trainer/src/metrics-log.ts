import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MetricsRecord } from './train-records';

/**
 * The run's JSON Lines metrics log (of fine-tuning records by default; the masked-LM loop logs its own). Each record is appended synchronously, so the file size is always a record
 * boundary; checkpoints remember that size and a resumed run cuts the log back to it, so records written after the
 * checkpoint by the killed process are not repeated.
 *
 * @example
 * ```ts
 * const log = new MetricsLog('runs/train/metrics.jsonl');
 * log.append({ type: 'resume', epoch: 2, step: 10, globalStep: 30 });
 * ```
 */
export class MetricsLog<Entry extends object = MetricsRecord> {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Appends one record as a line. */
  append(record: Entry): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }

  /** Current size in bytes (0 when absent). */
  size(): number {
    return existsSync(this.path) ? statSync(this.path).size : 0;
  }

  /** Cuts the log back to `bytes` (a size returned by {@link size} earlier). */
  truncate(bytes: number): void {
    if (existsSync(this.path) && this.size() > bytes) truncateSync(this.path, bytes);
  }

  /**
   * Reads every record of a log file.
   *
   * @example
   * ```ts
   * const epochs = MetricsLog.read('runs/train/metrics.jsonl').filter((r) => r.type === 'epoch');
   * ```
   */
  static read<Entry extends object = MetricsRecord>(path: string): Entry[] {
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as Entry);
  }
}
