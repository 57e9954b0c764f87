import type { EscalationSnapshot } from '@mangaassist/serving';

/**
 * Where escalations are remembered so that feedback can refer to them by id: this process's memory
 * ({@link RecentEscalations}) on one machine, or the shared store that every replica reads
 * (`SharedEscalations`), so that feedback sent to any replica finds an escalation issued by another.
 */
export interface EscalationRegistry {
  remember(snapshot: EscalationSnapshot): void | Promise<void>;
  get(escalationId: string): EscalationSnapshot | undefined | Promise<EscalationSnapshot | undefined>;
}

/**
 * The latest escalations by id, so that an agent's feedback can refer to one (`escalationId`) and be stored with
 * the scores and thresholds that decided it. Bounded: past `capacity` the oldest is forgotten, and feedback on it
 * gets a 404. Holds no message text.
 *
 * @example
 * ```ts
 * const recent = new RecentEscalations(10_000);
 * recent.remember(snapshot);
 * recent.get(snapshot.escalationId); // snapshot
 * ```
 */
export class RecentEscalations implements EscalationRegistry {
  private readonly byId = new Map<string, EscalationSnapshot>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.byId.size;
  }

  remember(snapshot: EscalationSnapshot): void {
    this.byId.set(snapshot.escalationId, snapshot);
    // A Map iterates in insertion order, so its first key is the oldest.
    while (this.byId.size > this.capacity) this.byId.delete(this.byId.keys().next().value as string);
  }

  get(escalationId: string): EscalationSnapshot | undefined {
    return this.byId.get(escalationId);
  }
}
