/** One escalation as the console's verdicts panel shows it. Kept in memory only. */
export interface EscalationText {
  readonly escalationId: string;
  readonly at: string;
  readonly text: string;
  readonly priority: string;
  readonly rule: string;
  readonly active: readonly string[];
  /** Word attributions (`explain: true` on the classify request), else null. */
  readonly attribution: unknown;
}

/**
 * The message text of this replica's latest escalations, for agents to judge in the console. Bounded (the oldest is
 * forgotten first), never persisted: the feedback log and the shared stores hold no message text. Capacity 0 keeps
 * nothing.
 *
 * @example
 * ```ts
 * const texts = new RecentEscalationTexts(200);
 * texts.remember({ escalationId: 'e-1', at, text: 'late again', priority: 'normal', rule: 'frustration', active: ['frustration'], attribution: null });
 * texts.latest(50); // newest first
 * ```
 */
export class RecentEscalationTexts {
  private readonly byId = new Map<string, EscalationText>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a non-negative integer, got ${capacity}`);
  }

  remember(entry: EscalationText): void {
    if (this.capacity === 0) return;
    this.byId.set(entry.escalationId, entry);
    while (this.byId.size > this.capacity) this.byId.delete(this.byId.keys().next().value as string);
  }

  /** At most `limit` escalations, newest first. */
  latest(limit: number): EscalationText[] {
    return [...this.byId.values()].reverse().slice(0, limit);
  }
}
