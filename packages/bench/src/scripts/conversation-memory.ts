// Memory of the conversation memory at its cap: bytes per conversation holding maxTurns turns, in process (V8 heap,
// measured after a full GC, against the same process before filling) and in Redis (MEMORY USAGE of one list).
//   npx tsc -b packages/bench && node --expose-gc packages/bench/dist/scripts/conversation-memory.js [--conversations 20000] [--turns 8]
//   MANGAASSIST_TEST_REDIS_URL=redis://127.0.0.1:6390/0 node --expose-gc packages/bench/dist/scripts/conversation-memory.js
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEFAULT_LABELS } from '@mangaassist/common';
import { InMemoryConversationMemory, RedisConversationMemory, type ConversationTurn } from '@mangaassist/serving';

/** A turn as the service stores it: six probabilities, one order number, sometimes a churn phrase. */
function turn(i: number): ConversationTurn {
  return {
    at: Date.now() + i,
    probabilities: Object.fromEntries(DEFAULT_LABELS.map((label) => [label, Math.fround(Math.random())])),
    orders: [`MA-${10_000 + (i % 90_000)}`],
    churnPhrases: i % 5 === 0 ? ['cancel'] : [],
    escalated: i % 3 === 0,
  };
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { conversations: { type: 'string', default: '20000' }, turns: { type: 'string', default: '8' }, json: { type: 'boolean' } } });
  const conversations = Number(values.conversations);
  const maxTurns = Number(values.turns);
  const ids = Array.from({ length: conversations }, () => randomUUID());
  const limits = { maxConversations: conversations, maxTurns, ttlMs: 3_600_000 };

  const before = heapAfterGc();
  const memory = new InMemoryConversationMemory(limits);
  // One turn per append, as the service writes them, and one more than the cap so every list is at its bound.
  for (let t = 0; t <= maxTurns; t++) for (const id of ids) await memory.append(id, [turn(t)]);
  const after = heapAfterGc();
  const inProcess = (after - before) / conversations;
  const sample = await memory.turns(ids[0] as string);
  const result: Record<string, unknown> = {
    conversations,
    maxTurns,
    turnsKept: sample.length,
    inProcessBytesPerConversation: Math.round(inProcess),
    inProcessBytesPerTurn: Math.round(inProcess / maxTurns),
    jsonBytesPerTurn: JSON.stringify(sample[0]).length,
  };

  const url = process.env.MANGAASSIST_TEST_REDIS_URL;
  if (url) {
    const keyPrefix = `mangaassist:bench:${process.pid}:`;
    const redis = new RedisConversationMemory({ ...limits, url, keyPrefix, commandTimeoutMs: 2000 });
    const sampleIds = ids.slice(0, 200);
    for (let t = 0; t <= maxTurns; t++) for (const id of sampleIds) await redis.append(id, [turn(t)]);
    // MEMORY USAGE through a plain client: the memory's own client does not expose raw commands.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: Redis } = require('ioredis') as typeof import('ioredis');
    const client = new Redis(url);
    const usages = await Promise.all(sampleIds.map((id) => client.call('MEMORY', 'USAGE', `${keyPrefix}${id}`, 'SAMPLES', '0') as Promise<number>));
    await Promise.all(sampleIds.map((id) => client.del(`${keyPrefix}${id}`)));
    client.disconnect();
    await redis.close();
    result.redisBytesPerConversation = Math.round(usages.reduce((a, b) => a + b, 0) / usages.length);
  } else {
    result.redisBytesPerConversation = null;
    result.redisSkipped = 'set MANGAASSIST_TEST_REDIS_URL to measure Redis';
  }
  await memory.close();
  process.stdout.write(`${JSON.stringify(result, null, values.json ? 0 : 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
