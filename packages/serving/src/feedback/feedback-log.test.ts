import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlFeedbackLog, MemoryFeedbackLog, latestVerdicts, readFeedbackFile } from './feedback-log';
import type { FeedbackRecord } from './feedback-record';

const record = (feedbackId: string, escalationId: string, at: string, correct = true): FeedbackRecord => ({
  feedbackId,
  at,
  correct,
  agent: null,
  note: 'checked',
  escalation: {
    escalationId,
    at,
    modelId: 'm1',
    scores: { frustration: 0.7 },
    thresholds: { frustration: 0.5 },
    active: ['frustration'],
    rule: 'frustration',
    priority: 'normal',
  },
});

describe('feedback logs', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'feedback-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends concurrent records as whole lines and reads them back', async () => {
    const log = new JsonlFeedbackLog(join(dir, 'nested', 'feedback.jsonl'));
    expect(await log.readAll()).toEqual([]);
    const records = Array.from({ length: 50 }, (_, i) => record(`f${i}`, `e${i}`, `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`));
    await Promise.all(records.map((r) => log.append(r)));
    expect(await log.readAll()).toEqual(records);
  });

  it('refuses to append an invalid record', async () => {
    const log = new MemoryFeedbackLog();
    await expect(log.append({ ...record('f', 'e', 'now'), correct: 'yes' } as unknown as FeedbackRecord)).rejects.toThrow();
    expect(await log.readAll()).toEqual([]);
  });

  it('names the file and line of a bad record', async () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, `${JSON.stringify(record('f', 'e', 'now'))}\n\n{"feedbackId": 1}\n`);
    await expect(readFeedbackFile(path)).rejects.toThrow(/bad\.jsonl line 3: not a feedback record/);
    writeFileSync(path, 'nope\n');
    await expect(readFeedbackFile(path)).rejects.toMatchObject({ code: 'DATA_INVALID', message: expect.stringMatching(/line 1: not JSON/) });
    await expect(readFeedbackFile(join(dir, 'absent.jsonl'))).rejects.toMatchObject({ code: 'CONFIG_READ_FAILED' });
  });

  it('reads back the verdicts in force, and streams every line with scan', async () => {
    const log = new JsonlFeedbackLog(join(dir, 'scan.jsonl'));
    const agent = (r: FeedbackRecord, name: string): FeedbackRecord => ({ ...r, agent: name });
    await log.append(agent(record('f1', 'e1', '2025-01-01T00:00:00Z', true), 'aiko'));
    await log.append(agent(record('f2', 'e1', '2025-01-01T00:00:00Z', true), 'jordan'));
    await log.append(agent(record('f3', 'e1', '2025-01-02T00:00:00Z', false), 'aiko'));
    expect((await log.readAll()).map((r) => r.feedbackId)).toEqual(['f3', 'f2']);
    const seen: string[] = [];
    await log.scan((r) => seen.push(r.feedbackId));
    expect(seen).toEqual(['f1', 'f2', 'f3']);
    await new JsonlFeedbackLog(join(dir, 'absent.jsonl')).scan(() => seen.push('never'));
    expect(seen).toHaveLength(3);
  });

  it('keeps the latest verdict per escalation and agent', () => {
    const latest = latestVerdicts([
      record('f1', 'e1', '2025-01-02T00:00:00Z', false),
      record('f2', 'e1', '2025-01-01T00:00:00Z', true),
      record('f3', 'e2', '2025-01-01T00:00:00Z', true),
    ]);
    expect(latest.map((r) => r.feedbackId).sort()).toEqual(['f1', 'f3']);
    // Another agent's verdict on e1 counts on its own.
    const two = latestVerdicts([record('f1', 'e1', '2025-01-02T00:00:00Z'), { ...record('f4', 'e1', '2025-01-01T00:00:00Z'), agent: 'aiko' }]);
    expect(two.map((r) => r.feedbackId)).toEqual(['f1', 'f4']);
  });
});
