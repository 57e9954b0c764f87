import type { EscalationSnapshot, FeedbackLog } from '@mangaassist/serving';
import type { FeedbackChangeFeed } from '../feedback-verdicts';
import type { EscalationRegistry, RecentEscalations } from '../recent-escalations';

/**
 * Feedback and the escalations it refers to, kept where every replica reads them (the shared threshold store's
 * PostgreSQL or Redis), so that feedback sent to any replica finds its escalation. One verdict per escalation and
 * agent: `append` replaces the earlier one unless that one is newer (`at`); every stored or replaced verdict is a
 * change that `changesSince` hands out, so that each replica keeps its running report up to date.
 */
export interface SharedFeedbackStore extends FeedbackLog, FeedbackChangeFeed {
  remember(snapshot: EscalationSnapshot): Promise<void>;
  get(escalationId: string): Promise<EscalationSnapshot | undefined>;
  close(): Promise<void>;
}

/**
 * The escalations of a replica: remembered in this process's memory at once and in the shared store; looked up in
 * memory first, then in the shared store (issued by another replica). While the shared store is down, feedback on
 * this replica's own escalations still finds them.
 *
 * @example
 * ```ts
 * const escalations = new SharedEscalations(new RecentEscalations(10_000), store);
 * await escalations.remember(snapshot);
 * ```
 */
export class SharedEscalations implements EscalationRegistry {
  constructor(
    private readonly local: RecentEscalations,
    private readonly shared: SharedFeedbackStore,
  ) {}

  async remember(snapshot: EscalationSnapshot): Promise<void> {
    this.local.remember(snapshot);
    await this.shared.remember(snapshot);
  }

  async get(escalationId: string): Promise<EscalationSnapshot | undefined> {
    return this.local.get(escalationId) ?? (await this.shared.get(escalationId));
  }
}
