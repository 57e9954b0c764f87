import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { FeedbackReportState, type FeedbackCalibrationOptions, type FeedbackCalibrationReport, type FeedbackLog, type FeedbackRecord } from '@mangaassist/serving';

/**
 * A store that every replica writes verdicts to, read back by change: the records stored or replaced after
 * `cursor` (undefined: from the start), oldest change first, at most `limit`, and the cursor to pass next.
 */
export interface FeedbackChangeFeed {
  changesSince(cursor: string | undefined, limit: number): Promise<{ records: FeedbackRecord[]; cursor: string | undefined }>;
}

/** Changes read per page while catching up; the event loop is yielded between pages. */
const PAGE = 500;

/**
 * The agents' verdicts of this server and the running feedback report over them ({@link FeedbackReportState}).
 * On startup the state is rebuilt once from the log, streamed (the JSON Lines file line by line, a shared store page
 * by page); afterwards each verdict stored here is counted as it is stored, and with a shared store the report first
 * reads the changes other replicas made since the last time, never the whole store.
 *
 * @example
 * ```ts
 * const verdicts = new FeedbackVerdicts(log);
 * void verdicts.start();
 * await verdicts.record(record);
 * const report = await verdicts.report({ modelId: 'manga-v1' });
 * ```
 */
export class FeedbackVerdicts {
  readonly state = new FeedbackReportState();
  private ready: Promise<void> | undefined;
  private cursor: string | undefined;
  private pulling: Promise<void> | undefined;

  constructor(
    private readonly log: FeedbackLog,
    private readonly feed?: FeedbackChangeFeed,
  ) {}

  /** Rebuilds the state from the log, once (a failed rebuild is retried by the next call). */
  start(): Promise<void> {
    this.ready ??= this.rebuild().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /** Stores a verdict (replacing the same agent's earlier one on the escalation) and counts it. */
  async record(record: FeedbackRecord): Promise<void> {
    await this.log.append(record);
    this.state.apply(record);
  }

  /** The verdict in force of `agent` on an escalation, as this replica knows it. */
  verdictOf(escalationId: string, agent: string | null): FeedbackRecord | undefined {
    return this.state.verdictOf(escalationId, agent);
  }

  /** Waits for the rebuild and, with a shared store, reads the changes other replicas made since the last time. */
  async refresh(): Promise<void> {
    await this.start();
    if (this.feed) await this.pull();
  }

  /** The feedback report over every verdict in force (with a shared store, other replicas' too). */
  async report(options: FeedbackCalibrationOptions): Promise<FeedbackCalibrationReport> {
    await this.refresh();
    return this.state.report(options);
  }

  private async rebuild(): Promise<void> {
    if (this.feed) return this.pull();
    if (this.log.scan) return this.log.scan((record) => void this.state.apply(record));
    for (const record of await this.log.readAll()) this.state.apply(record);
  }

  /** Catches up with the feed; concurrent callers share one pass. */
  private pull(): Promise<void> {
    this.pulling ??= (async () => {
      try {
        const feed = this.feed as FeedbackChangeFeed;
        for (;;) {
          const page = await feed.changesSince(this.cursor, PAGE);
          for (const record of page.records) this.state.apply(record);
          this.cursor = page.cursor;
          if (page.records.length < PAGE) return;
          await yieldToEventLoop();
        }
      } finally {
        this.pulling = undefined;
      }
    })();
    return this.pulling;
  }
}
