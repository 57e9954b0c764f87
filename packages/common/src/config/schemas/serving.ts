import { z } from 'zod';

/** Phrases that raise churn_risk by default (matched on normalised text). */
export const DEFAULT_CHURN_PHRASES = ['cancel', 'never again', 'done with', 'unsubscribe', 'close my account'] as const;

/**
 * The HTTP service: where it listens, request limits, micro-batching and the churn phrase rule.
 */
export const servingConfigSchema = z
  .object({
    modelDir: z.string().min(1).default('runs/quickstart/model'),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    maxChars: z.number().int().positive().default(2000),
    maxBatch: z.number().int().positive().default(64),
    batching: z
      .object({
        maxBatch: z.number().int().positive().default(16),
        maxWaitMs: z.number().min(0).default(2),
        queueLimit: z.number().int().positive().default(1024),
      })
      .strict()
      .default({ maxBatch: 16, maxWaitMs: 2, queueLimit: 1024 }),
    requestTimeoutMs: z.number().int().positive().default(5000),
    churnRule: z
      .object({
        enabled: z.boolean().default(true),
        phrases: z.array(z.string().min(1)).default([...DEFAULT_CHURN_PHRASES]),
        /** Probability mass added to churn_risk (capped at 1) when a phrase matches. */
        boost: z.number().min(0).max(1).default(0.35),
      })
      .strict()
      .default({ enabled: true, phrases: [...DEFAULT_CHURN_PHRASES], boost: 0.35 }),
    /** Admin token; without one the admin API is disabled. */
    adminToken: z.string().min(16).optional(),
    /** Log message text (off by default: customer messages are personal data). */
    logText: z.boolean().default(false),
  })
  .strict();

/** Parsed serving configuration. */
export type ServingConfig = z.infer<typeof servingConfigSchema>;
