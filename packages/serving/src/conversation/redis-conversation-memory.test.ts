import { RedisConversationMemory } from './redis-conversation-memory';
import type { ConversationTurn } from './conversation-turn';

// Same variable as the threshold store tests: set by `eval "$(bash tools/ci/start-services.sh)"`.
const REDIS_URL_ENV = 'MANGAASSIST_TEST_REDIS_URL';
const url = process.env[REDIS_URL_ENV];
if (!url) console.warn(`skipped: Redis conversation memory tests need ${REDIS_URL_ENV} (start the servers with: eval "$(bash tools/ci/start-services.sh)")`);

const turn = (frustration: number, orders: string[] = []): ConversationTurn => ({
  at: 1_700_000_000_000,
  probabilities: { frustration, churn_risk: 0.1 },
  orders,
  churnPhrases: frustration > 0.5 ? ['cancel'] : [],
  escalated: false,
});

if (url) {
  describe('RedisConversationMemory', () => {
    const keyPrefix = `mangaassist:test:conv:${process.pid}:${Date.now().toString(36)}:`;
    const open = (ttlMs = 60_000) => new RedisConversationMemory({ url, keyPrefix, commandTimeoutMs: 2000, maxConversations: 100, maxTurns: 3, ttlMs });
    const memories: RedisConversationMemory[] = [];
    afterAll(async () => Promise.all(memories.map((m) => m.close())));

    it('keeps the newest maxTurns turns, shared by two clients (two replicas)', async () => {
      const a = open();
      const b = open();
      memories.push(a, b);
      await a.append('c1', [turn(0.1), turn(0.2, ['48213'])]);
      await b.append('c1', [turn(0.3), turn(0.9)]);
      const turns = await a.turns('c1');
      expect(turns.map((t) => t.probabilities.frustration)).toEqual([0.2, 0.3, 0.9]);
      expect(turns[0]).toEqual(turn(0.2, ['48213']));
      await b.replace('c1', [turn(0.4)]);
      expect((await a.turns('c1')).map((t) => t.probabilities.frustration)).toEqual([0.4]);
      expect(await a.turns('unknown')).toEqual([]);
    });

    it('forgets a conversation after ttlMs', async () => {
      const memory = open(150);
      memories.push(memory);
      await memory.append('c2', [turn(0.1)]);
      expect(await memory.turns('c2')).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await memory.turns('c2')).toEqual([]);
    });
  });
} else {
  describe.skip(`Redis conversation memory (set ${REDIS_URL_ENV} to run)`, () => {
    it('runs against a real server', () => undefined);
  });
}

describe('RedisConversationMemory without a server', () => {
  it('fails the read instead of waiting forever', async () => {
    const memory = new RedisConversationMemory({ url: 'redis://127.0.0.1:1/0', keyPrefix: 'x:', commandTimeoutMs: 300, maxConversations: 1, maxTurns: 1, ttlMs: 1 });
    await expect(memory.turns('c')).rejects.toThrow();
    await memory.close();
  });

  it('rejects a URL that is not redis://, naming the field', () => {
    expect(() => new RedisConversationMemory({ url: 'http://x', keyPrefix: 'x:', commandTimeoutMs: 300, maxConversations: 1, maxTurns: 1, ttlMs: 1 })).toThrow(/redis\.url must start with redis:\/\//);
  });
});
