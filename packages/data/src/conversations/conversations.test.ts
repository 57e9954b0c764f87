import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handwrittenConversationsPath, readConversations } from './conversation-dataset';
import { generateConversations } from './generate-conversations';

describe('hand-written conversations', () => {
  const conversations = readConversations(handwrittenConversationsPath());

  it('holds at least 40 conversations of both classes, unique ids and at least 2 turns each', () => {
    expect(conversations.length).toBeGreaterThanOrEqual(40);
    expect(conversations.filter((c) => c.escalate).length).toBeGreaterThanOrEqual(20);
    expect(conversations.filter((c) => !c.escalate).length).toBeGreaterThanOrEqual(20);
    for (const c of conversations) expect(c.turns.length).toBeGreaterThanOrEqual(2);
  });

  it('ends routine chats with messages that also end escalations (the last message alone cannot tell them apart)', () => {
    const last = (escalate: boolean) => new Set(conversations.filter((c) => c.escalate === escalate).map((c) => c.turns.at(-1)!.toLowerCase()));
    const yes = last(true);
    const shared = [...last(false)].filter((text) => yes.has(text));
    expect(shared.length).toBeGreaterThanOrEqual(5);
  });
});

describe('readConversations', () => {
  const write = (lines: string[]) => {
    const file = join(mkdtempSync(join(tmpdir(), 'conversations-')), 'c.jsonl');
    writeFileSync(file, lines.join('\n'));
    return file;
  };

  it('names the file, line and field of a bad line', () => {
    const file = write(['{"id":"a","escalate":true,"pattern":"p","turns":["x","y"]}', '{"id":"b","escalate":"yes","pattern":"p","turns":["x"]}']);
    expect(() => readConversations(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: escalate: .*turns: must hold at least 2 messages`));
    expect(() => readConversations(write(['{"id":"a","escalate":true,"pattern":"p","turns":["x","y"]}', '{"id":"a","escalate":true,"pattern":"p","turns":["x","y"]}']))).toThrow(/:2: duplicate id "a"/);
    expect(() => readConversations('/nonexistent/c.jsonl')).toThrow('conversation file not found: /nonexistent/c.jsonl');
  });
});

describe('generateConversations', () => {
  it('is deterministic per seed, about half escalations, last messages from one pool', () => {
    const a = generateConversations({ n: 200, seed: 3 });
    expect(generateConversations({ n: 200, seed: 3 })).toEqual(a);
    expect(generateConversations({ n: 200, seed: 4 })).not.toEqual(a);
    expect(a.filter((c) => c.escalate)).toHaveLength(100);
    const lastYes = new Set(a.filter((c) => c.escalate).map((c) => c.turns.at(-1)));
    const lastNo = new Set(a.filter((c) => !c.escalate).map((c) => c.turns.at(-1)));
    expect([...lastNo].every((t) => lastYes.has(t))).toBe(true);
    expect(a.every((c) => !/\{\w+\}/.test(c.turns.join(' ')))).toBe(true);
  });

  it('mentions one order in three messages in repeated-order conversations and at most twice elsewhere', () => {
    const count = (text: string, order: string) => text.split(order).length - 1;
    for (const c of generateConversations({ n: 300, seed: 9 })) {
      const orders = c.turns.join(' ').match(/(?:MA-)?\d{5}/g) ?? [];
      const most = Math.max(0, ...orders.map((o) => count(c.turns.join(' '), o)));
      if (c.pattern === 'repeated-order') expect(most).toBe(3);
      else expect(most).toBeLessThanOrEqual(2);
    }
  });

  it('rejects a bad count', () => {
    expect(() => generateConversations({ n: 0, seed: 1 })).toThrow('n must be a positive integer, got 0');
  });
});
