import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlFeedbackLog, MemoryFeedbackLog, latestPerEscalation, readFeedbackFile } from './feedback-log';
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

  it('keeps the latest verdict per escalation', () => {
    const latest = latestPerEscalation([
      record('f1', 'e1', '2025-01-02T00:00:00Z', false),
      record('f2', 'e1', '2025-01-01T00:00:00Z', true),
      record('f3', 'e2', '2025-01-01T00:00:00Z', true),
    ]);
    expect(latest.map((r) => r.feedbackId).sort()).toEqual(['f1', 'f3']);
  });
});
