import { InMemoryConversationMemory } from './conversation-memory';
import { extractOrderNumbers, type ConversationTurn } from './conversation-turn';

const turn = (frustration: number, at = 0): ConversationTurn => ({ at, probabilities: { frustration }, orders: [], churnPhrases: [], escalated: false });

describe('InMemoryConversationMemory', () => {
  it('keeps the newest maxTurns turns per conversation, oldest first', async () => {
    const memory = new InMemoryConversationMemory({ maxConversations: 10, maxTurns: 3, ttlMs: 60_000 });
    await memory.append('c', [turn(0.1), turn(0.2)]);
    await memory.append('c', [turn(0.3), turn(0.4)]);
    expect((await memory.turns('c')).map((t) => t.probabilities.frustration)).toEqual([0.2, 0.3, 0.4]);
    await memory.replace('c', [turn(0.9)]);
    expect((await memory.turns('c')).map((t) => t.probabilities.frustration)).toEqual([0.9]);
    expect(await memory.turns('unknown')).toEqual([]);
  });

  it('forgets a conversation ttlMs after its last update; reading does not extend it', async () => {
    let now = 1_000;
    const memory = new InMemoryConversationMemory({ maxConversations: 10, maxTurns: 5, ttlMs: 1_000 }, () => now);
    await memory.append('c', [turn(0.1)]);
    now += 600;
    expect(await memory.turns('c')).toHaveLength(1);
    now += 300;
    await memory.append('c', [turn(0.2)]); // restarts the TTL at 1,900
    now += 900;
    expect(await memory.turns('c')).toHaveLength(2);
    now += 101;
    expect(await memory.turns('c')).toEqual([]);
  });

  it('evicts the least recently used conversation past maxConversations', async () => {
    const memory = new InMemoryConversationMemory({ maxConversations: 2, maxTurns: 5, ttlMs: 60_000 });
    await memory.append('a', [turn(0.1)]);
    await memory.append('b', [turn(0.2)]);
    await memory.turns('a'); // a is now more recently used than b
    await memory.append('c', [turn(0.3)]);
    expect(memory.size).toBe(2);
    expect(await memory.turns('b')).toEqual([]);
    expect(await memory.turns('a')).toHaveLength(1);
    expect(await memory.turns('c')).toHaveLength(1);
  });

  it('rejects limits that are not positive integers, naming the field', () => {
    expect(() => new InMemoryConversationMemory({ maxConversations: 0, maxTurns: 5, ttlMs: 1 })).toThrow('maxConversations must be a positive integer, got 0');
    expect(() => new InMemoryConversationMemory({ maxConversations: 1, maxTurns: 2.5, ttlMs: 1 })).toThrow(/maxTurns/);
  });
});

describe('extractOrderNumbers', () => {
  it('finds order numbers as customers type them, once each, upper-cased', () => {
    expect(extractOrderNumbers('Order #48213 and ma-77120, again #48213! (ord-2291734)')).toEqual(['48213', 'MA-77120', 'ORD-2291734']);
  });

  it('leaves volumes, quantities, years and words with digits alone', () => {
    expect(extractOrderNumbers('volume 14, 3 weeks, since 2024, x12345y, a1234567')).toEqual([]);
  });
});
