import { z } from 'zod';

/**
 * What the service remembers about one escalation so that feedback on it can be used for calibration later.
 * It never holds the message text.
 */
export const escalationSnapshotSchema = z
  .object({
    escalationId: z.string().min(1),
    at: z.string().min(1),
    modelId: z.string().min(1),
    /** Per label: the score compared with the threshold (probability, plus the churn boost for churn_risk). */
    scores: z.record(z.string(), z.number().min(0).max(1)),
    /** The effective thresholds used for the decision. */
    thresholds: z.record(z.string(), z.number()),
    active: z.array(z.string()),
    rule: z.string(),
    priority: z.enum(['high', 'normal', 'none']),
  })
  .strict();

/** See {@link escalationSnapshotSchema}. */
export type EscalationSnapshot = z.infer<typeof escalationSnapshotSchema>;

/** One line of the feedback log: an agent's verdict on an escalation, with the escalation's snapshot. */
export const feedbackRecordSchema = z
  .object({
    feedbackId: z.string().min(1),
    at: z.string().min(1),
    /** True: escalating was right. False: a false positive. */
    correct: z.boolean(),
    agent: z.string().nullable(),
    note: z.string().nullable(),
    escalation: escalationSnapshotSchema,
  })
  .strict();

/**
 * An agent's verdict on one escalation.
 *
 * @example
 * ```ts
 * const record: FeedbackRecord = {
 *   feedbackId: 'f-1', at: new Date().toISOString(), correct: false, agent: 'agent-7', note: null,
 *   escalation: { escalationId: 'e-1', at: '…', modelId: 'manga-v1', scores: { frustration: 0.62 },
 *     thresholds: { frustration: 0.5 }, active: ['frustration'], rule: 'frustration', priority: 'normal' },
 * };
 * ```
 */
export type FeedbackRecord = z.infer<typeof feedbackRecordSchema>;
