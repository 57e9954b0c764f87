import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { MangaAssistError, describeZodIssues, formatProblems } from '@mangaassist/common';
import { feedbackRecordSchema, type FeedbackRecord } from './feedback-record';

/**
 * Where agents' feedback is kept. One verdict per escalation and agent: a repeat replaces the earlier one
 * ({@link latestVerdicts}; a JSON Lines log appends it and its readers keep the latest, a database overwrites it).
 *
 * @example
 * ```ts
 * const log: FeedbackLog = new JsonlFeedbackLog('runs/feedback.jsonl');
 * await log.append(record);
 * const current = await log.readAll(); // one per escalation and agent
 * ```
 */
export interface FeedbackLog {
  append(record: FeedbackRecord): Promise<void>;
  /** The verdicts in force: one per escalation and agent, the latest. */
  readAll(): Promise<FeedbackRecord[]>;
  /**
   * Hands every stored record to `onRecord` in order, without holding them all at once (rebuilding the report's
   * running counts on startup). Replaced records may come too; the receiver keeps the latest per key.
   */
  scan?(onRecord: (record: FeedbackRecord) => void): Promise<void>;
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
    return latestVerdicts(await readFeedbackFile(this.path, { missingOk: true }));
  }

  async scan(onRecord: (record: FeedbackRecord) => void): Promise<void> {
    await this.tail;
    await scanFeedbackFile(this.path, onRecord, { missingOk: true });
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
    return latestVerdicts(this.records);
  }

  async scan(onRecord: (record: FeedbackRecord) => void): Promise<void> {
    for (const record of this.records) onRecord(record);
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
  text.split('\n').forEach((line, i) => {
    const record = parseFeedbackLine(path, line, i + 1);
    if (record) records.push(record);
  });
  return records;
}

/**
 * Reads a feedback JSON Lines file line by line (a stream: memory does not grow with the file, and the event loop
 * is yielded between chunks), handing each record to `onRecord`. Errors as {@link readFeedbackFile}.
 *
 * @example
 * ```ts
 * let n = 0;
 * await scanFeedbackFile('runs/feedback.jsonl', () => void n++);
 * ```
 */
export async function scanFeedbackFile(path: string, onRecord: (record: FeedbackRecord) => void, options: { missingOk?: boolean } = {}): Promise<void> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  try {
    await opened;
  } catch (cause) {
    if (options.missingOk && (cause as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new MangaAssistError('CONFIG_READ_FAILED', `cannot read feedback file ${path}: ${(cause as Error).message}`, { file: path }, { cause });
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n += 1;
      const record = parseFeedbackLine(path, line, n);
      if (record) onRecord(record);
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

function parseFeedbackLine(path: string, line: string, lineNo: number): FeedbackRecord | undefined {
  if (line.trim() === '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (cause) {
    throw new MangaAssistError('DATA_INVALID', `${path} line ${lineNo}: not JSON (${(cause as Error).message})`, { file: path, line: lineNo });
  }
  const parsed = feedbackRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = describeZodIssues(parsed.error.issues);
    throw new MangaAssistError('DATA_INVALID', `${path} line ${lineNo}: not a feedback record:\n${formatProblems(problems)}`, {
      file: path,
      line: lineNo,
      problems,
    });
  }
  return parsed.data;
}

/**
 * The key of a verdict: its escalation and its agent (verdicts without an agent share one key per escalation).
 *
 * @example
 * ```ts
 * verdictKey(record) === verdictKey({ ...record, correct: !record.correct }); // true: the second replaces the first
 * ```
 */
export function verdictKey(record: FeedbackRecord): string {
  return JSON.stringify([record.escalation.escalationId, record.agent]);
}

/**
 * Keeps one verdict per escalation and agent: the latest by `at` (order breaks ties), so an agent corrects a
 * verdict by sending another, and two agents' verdicts on one escalation both count.
 *
 * @example
 * ```ts
 * latestVerdicts(records).length <= records.length; // true
 * ```
 */
export function latestVerdicts(records: readonly FeedbackRecord[]): FeedbackRecord[] {
  const latest = new Map<string, FeedbackRecord>();
  for (const record of records) {
    const key = verdictKey(record);
    const previous = latest.get(key);
    if (!previous || record.at >= previous.at) latest.set(key, record);
  }
  return [...latest.values()];
}
