import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MangaAssistError, describeZodIssues, formatProblems } from '@mangaassist/common';
import { feedbackRecordSchema, type FeedbackRecord } from './feedback-record';

/**
 * Where agents' feedback is kept. Append-only: a second verdict on the same escalation is appended too, and
 * readers keep the latest one ({@link latestPerEscalation}).
 *
 * @example
 * ```ts
 * const log: FeedbackLog = new JsonlFeedbackLog('runs/feedback.jsonl');
 * await log.append(record);
 * const all = await log.readAll();
 * ```
 */
export interface FeedbackLog {
  append(record: FeedbackRecord): Promise<void>;
  readAll(): Promise<FeedbackRecord[]>;
}

/**
 * Feedback in a JSON Lines file, one record per line. Appends from one process are serialised, so lines never
 * interleave; the file is created (with its folder) on the first append.
 *
 * @example
 * ```ts
 * const log = new JsonlFeedbackLog('runs/feedback.jsonl');
 * await log.append(record);
 * ```
 */
export class JsonlFeedbackLog implements FeedbackLog {
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  append(record: FeedbackRecord): Promise<void> {
    const line = `${JSON.stringify(feedbackRecordSchema.parse(record))}\n`;
    const write = this.tail.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, line, 'utf8');
    });
    // A failed write must not block the following ones; the caller still sees its own failure.
    this.tail = write.catch(() => undefined);
    return write;
  }

  async readAll(): Promise<FeedbackRecord[]> {
    await this.tail;
    return readFeedbackFile(this.path, { missingOk: true });
  }
}

/**
 * Feedback kept in memory (tests, or a server without a feedback file).
 *
 * @example
 * ```ts
 * const log = new MemoryFeedbackLog();
 * await log.append(record);
 * (await log.readAll()).length; // 1
 * ```
 */
export class MemoryFeedbackLog implements FeedbackLog {
  private readonly records: FeedbackRecord[] = [];

  async append(record: FeedbackRecord): Promise<void> {
    this.records.push(feedbackRecordSchema.parse(record));
  }

  async readAll(): Promise<FeedbackRecord[]> {
    return [...this.records];
  }
}

/**
 * Reads a feedback JSON Lines file. Throws `DATA_INVALID` naming the file and line of the first bad record, or
 * `CONFIG_READ_FAILED` when it cannot be read (unless `missingOk`, which yields no records for an absent file).
 *
 * @example
 * ```ts
 * const records = await readFeedbackFile('runs/feedback.jsonl');
 * ```
 */
export async function readFeedbackFile(path: string, options: { missingOk?: boolean } = {}): Promise<FeedbackRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if (options.missingOk && (cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new MangaAssistError('CONFIG_READ_FAILED', `cannot read feedback file ${path}: ${(cause as Error).message}`, { file: path }, { cause });
  }
  const records: FeedbackRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (cause) {
      throw new MangaAssistError('DATA_INVALID', `${path} line ${i + 1}: not JSON (${(cause as Error).message})`, { file: path, line: i + 1 });
    }
    const parsed = feedbackRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = describeZodIssues(parsed.error.issues);
      throw new MangaAssistError('DATA_INVALID', `${path} line ${i + 1}: not a feedback record:\n${formatProblems(problems)}`, {
        file: path,
        line: i + 1,
        problems,
      });
    }
    records.push(parsed.data);
  });
  return records;
}

/**
 * Keeps one verdict per escalation: the latest by `at` (file order breaks ties), so an agent can correct a
 * verdict by sending another.
 *
 * @example
 * ```ts
 * latestPerEscalation(records).length <= records.length; // true
 * ```
 */
export function latestPerEscalation(records: readonly FeedbackRecord[]): FeedbackRecord[] {
  const latest = new Map<string, FeedbackRecord>();
  for (const record of records) {
    const previous = latest.get(record.escalation.escalationId);
    if (!previous || record.at >= previous.at) latest.set(record.escalation.escalationId, record);
  }
  return [...latest.values()];
}
