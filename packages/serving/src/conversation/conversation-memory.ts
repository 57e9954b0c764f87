import { LRUCache } from 'lru-cache';
import type { ConversationTurn } from './conversation-turn';

/** Bounds shared by every conversation memory. */
export interface ConversationMemoryLimits {
  /** Most conversations kept; past it the least recently updated one is forgotten (in-process memory only). */
  readonly maxConversations: number;
  /** Most turns kept per conversation: the newest. */
  readonly maxTurns: number;
  /** A conversation not updated for this long is forgotten (ms). */
  readonly ttlMs: number;
}

/**
 * The recent turns of each conversation, keyed by the caller's conversation id. Implementations are bounded (turns
 * per conversation, conversations, time) so that a client sending a fresh id per message cannot grow the server
 * without limit.
 */
export interface ConversationMemory {
  /** Which implementation, for logs and health: `memory` or `redis`. */
  readonly kind: string;
  /** The remembered turns of a conversation, oldest first; empty when unknown or expired. */
  turns(conversationId: string): Promise<ConversationTurn[]>;
  /** Appends turns (oldest first), keeps the newest `maxTurns` and restarts the conversation's TTL. */
  append(conversationId: string, turns: readonly ConversationTurn[]): Promise<void>;
  /** Replaces the conversation's turns (when the caller sent its own history) and restarts its TTL. */
  replace(conversationId: string, turns: readonly ConversationTurn[]): Promise<void>;
  /** Releases connections; the memory is not used afterwards. */
  close(): Promise<void>;
}

/**
 * The in-process conversation memory: an LRU of conversations (`lru-cache`) with a TTL per conversation, restarted
 * at each update (reading does not restart it: a conversation nobody writes to is over). Each replica has its own;
 * use {@link RedisConversationMemory} when replicas behind a load balancer must share conversations.
 *
 * @example
 * ```ts
 * const memory = new InMemoryConversationMemory({ maxConversations: 10_000, maxTurns: 8, ttlMs: 30 * 60_000 });
 * await memory.append('c-1', [turn]);
 * (await memory.turns('c-1')).length; // 1
 * ```
 */
export class InMemoryConversationMemory implements ConversationMemory {
  readonly kind = 'memory';
  private readonly cache: LRUCache<string, readonly ConversationTurn[]>;

  /** @param now - the clock (ms); tests pass a fake one to expire conversations without waiting. */
  constructor(
    readonly limits: ConversationMemoryLimits,
    now: () => number = Date.now,
  ) {
    checkLimits(limits);
    this.cache = new LRUCache<string, readonly ConversationTurn[]>({
      max: limits.maxConversations,
      ttl: limits.ttlMs,
      updateAgeOnGet: false,
      // Expired entries are dropped when read, or evicted as least recently used: no timer per entry.
      ttlAutopurge: false,
      // Read the clock at every check rather than caching it for a millisecond (cheap, and an injected clock works).
      ttlResolution: 0,
      perf: { now },
    });
  }

  /** Conversations held (expired ones may count until they are read or evicted). */
  get size(): number {
    return this.cache.size;
  }

  async turns(conversationId: string): Promise<ConversationTurn[]> {
    return [...(this.cache.get(conversationId) ?? [])];
  }

  async append(conversationId: string, turns: readonly ConversationTurn[]): Promise<void> {
    const kept = this.cache.get(conversationId) ?? [];
    this.cache.set(conversationId, [...kept, ...turns].slice(-this.limits.maxTurns));
  }

  async replace(conversationId: string, turns: readonly ConversationTurn[]): Promise<void> {
    this.cache.set(conversationId, turns.slice(-this.limits.maxTurns));
  }

  async close(): Promise<void> {
    this.cache.clear();
  }
}

/** Rejects limits that would make the memory useless or unbounded, naming the field. */
export function checkLimits(limits: ConversationMemoryLimits): void {
  for (const field of ['maxConversations', 'maxTurns', 'ttlMs'] as const) {
    const value = limits[field];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`conversation memory: ${field} must be a positive integer, got ${value}`);
    }
  }
}
