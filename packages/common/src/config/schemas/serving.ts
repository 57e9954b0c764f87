import { z } from 'zod';
import { pluginSelectionSchema } from './labels';

/**
 * Phrases that raise churn_risk by default. They match whole words of the normalised text (NFKC, lower case, no
 * accents or punctuation): `cancel` matches "CANCEL!" but not "cancelled"; a trailing `*` makes a prefix
 * (`cancel*` also matches "cancelling" and "cancellation").
 */
export const DEFAULT_CHURN_PHRASES = [
  'cancel',
  'cancelling',
  'canceling',
  'never again',
  'done with',
  'unsubscribe',
  'close my account',
] as const;

const batchingDefaults = { maxBatch: 16, maxWaitMs: 2, queueLimit: 1024 };
const churnRuleDefaults = { enabled: true, phrases: [...DEFAULT_CHURN_PHRASES], boost: 0.35 };
const explainDefaults = { maxWords: 32 };
const feedbackDefaults = {
  path: 'runs/feedback.jsonl',
  recentEscalations: 10_000,
  shared: true,
  auth: 'agents' as const,
  agents: [],
  rateLimit: { maxVerdicts: 60, windowMs: 60_000 },
  maxBodyBytes: 8192,
  recentTexts: 200,
};
const conversationDefaults = { store: 'memory' as const, maxConversations: 10_000, maxTurns: 8, ttlMs: 30 * 60_000 };

/**
 * How escalation is decided (`policy`: an escalation policy plugin, `default` unless chosen) and where the recent
 * turns of conversations are kept for the policies that read them (`conversation-aware`).
 *
 * @example
 * ```yaml
 * escalation:
 *   policy: { id: conversation-aware, options: { base: { id: priority-weighted } } }
 *   conversations: { store: redis, redis: { url: "redis://127.0.0.1:6379/0" }, maxTurns: 8, ttlMs: 1800000 }
 * ```
 */
export const escalationConfigSchema = z
  .object({
    policy: pluginSelectionSchema('default').default({ id: 'default', options: {} }),
    conversations: z
      .object({
        /** `memory`: in this process (an LRU with TTL); `redis`: shared by every replica. */
        store: z.enum(['memory', 'redis']).default(conversationDefaults.store),
        /** Most conversations the in-process memory keeps; the least recently updated goes first. */
        maxConversations: z.number().int().positive().default(conversationDefaults.maxConversations),
        /** Most turns kept per conversation (the newest). */
        maxTurns: z.number().int().positive().max(100).default(conversationDefaults.maxTurns),
        /** A conversation without a new message for this long is forgotten (ms). */
        ttlMs: z.number().int().positive().default(conversationDefaults.ttlMs),
        redis: z
          .object({
            url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'),
            keyPrefix: z.string().default('mangaassist:conversations:'),
            commandTimeoutMs: z.number().int().positive().default(500),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default(conversationDefaults)
      .refine((c) => c.store !== 'redis' || c.redis !== undefined, { path: ['redis'], message: 'store "redis" needs redis.url' }),
  })
  .strict();

/** Parsed escalation configuration. */
export type EscalationConfig = z.infer<typeof escalationConfigSchema>;

/** How failed admin authentications are limited per client address (fixed window). */
const authFailureDefaults = { maxFailures: 10, windowMs: 60_000 };

/**
 * Who may use the admin API besides the shared `adminToken`: named operators with their own tokens, an identity
 * header set by a trusted sign-in proxy, and how failed attempts are limited. The audit trail names the operator.
 *
 * @example
 * ```yaml
 * admin:
 *   operators: [{ name: aiko, token: "aiko-0123456789abcdef" }, { name: jordan, token: "jordan-0123456789abcdef" }]
 *   identityHeader: { name: x-forwarded-user, trustedProxies: ["10.0.0.5"] }
 *   authFailures: { maxFailures: 10, windowMs: 60000 }
 * ```
 */
/** Named people with their own tokens (operators, agents): `[{ name, token }]`, names and tokens unique. */
function namedTokens(what: 'operator' | 'agent') {
  return z
    .array(
      z
        .object({
          name: z
            .string()
            .min(1)
            .max(100)
            .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._@+-]*$/u, 'must start with a letter or digit and hold only letters, digits, spaces and ._@+-'),
          token: z.string().min(16),
        })
        .strict(),
    )
    .default([])
    .refine((ops) => new Set(ops.map((o) => o.name)).size === ops.length, `${what} names must be unique`)
    .refine((ops) => new Set(ops.map((o) => o.token)).size === ops.length, `${what} tokens must be unique`);
}

export const adminConfigSchema = z
  .object({
    /** Named operators, each with a token of 16 characters or more; the name is the audit trail's author. */
    operators: namedTokens('operator'),
    /**
     * The operator's name in a request header set by a sign-in proxy. Honoured only on connections from
     * `trustedProxies` (exact addresses), which must remove the header from what clients send.
     */
    identityHeader: z
      .object({
        name: z.string().regex(/^[a-z0-9-]{1,100}$/, 'must be a lower-case header name'),
        trustedProxies: z.array(z.string().min(1)).min(1),
      })
      .strict()
      .optional(),
    /** A client address with this many failed authentications within `windowMs` gets 429 until the window ends. */
    authFailures: z
      .object({
        maxFailures: z.number().int().positive().default(authFailureDefaults.maxFailures),
        windowMs: z.number().int().positive().default(authFailureDefaults.windowMs),
      })
      .strict()
      .default(authFailureDefaults),
  })
  .strict();

/** Parsed admin access configuration. */
export type AdminConfig = z.infer<typeof adminConfigSchema>;

/**
 * The HTTP service: where it listens, request limits, micro-batching, timeouts, the churn phrase rule, the
 * admin token and where agents' feedback goes.
 *
 * @example
 * ```yaml
 * serving:
 *   modelDir: runs/quickstart/model
 *   port: 8080
 *   batching: { maxBatch: 16, maxWaitMs: 2, queueLimit: 1024 }
 *   churnRule: { phrases: [cancel, never again, "unsubscrib*"], boost: 0.35 }
 *   adminToken: change-me-to-a-long-random-string
 * ```
 */
export const servingConfigSchema = z
  .object({
    /** Exported model directory (`config.json`, `tokenizer.json`, `onnx/model.onnx`), as written by `export`. */
    modelDir: z.string().min(1).default('runs/quickstart/model'),
    /** Which graph to run: `fp32` (`onnx/model.onnx`) or `int8` (`onnx/model_quantized.onnx`). */
    precision: z.enum(['fp32', 'int8']).default('fp32'),
    /**
     * Model id for the threshold store (what `calibrate` must use too); default the id in the model's `config.json`
     * (`mangaassist_model_id`). With neither, the server refuses to start: a directory's name is not an identity.
     */
    modelId: z.string().min(1).optional(),
    /**
     * Inference worker threads, each with its own ONNX Runtime session, so that an inference never blocks the
     * event loop (requests, health checks and timeouts keep being served while a batch runs); as many batches run
     * at once as there are workers. 0 runs inference on the main thread (blocking it for each batch).
     */
    workers: z.number().int().min(0).default(1),
    /** Threads of one inference; default every core divided by the workers (at least 1). */
    intraOpNumThreads: z.number().int().positive().optional(),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Longest text accepted, in characters (UTF-16 code units, as JavaScript counts them). */
    maxChars: z.number().int().positive().default(2000),
    /** Most texts in one `{ texts: [...] }` request. */
    maxBatch: z.number().int().positive().default(64),
    /** Largest request body, in bytes (413 above). */
    bodyLimitBytes: z.number().int().positive().default(1_048_576),
    batching: z
      .object({
        maxBatch: z.number().int().positive().default(batchingDefaults.maxBatch),
        maxWaitMs: z.number().min(0).default(batchingDefaults.maxWaitMs),
        queueLimit: z.number().int().positive().default(batchingDefaults.queueLimit),
      })
      .strict()
      .default(batchingDefaults),
    /** Deadline of one classification, queueing included (503 with Retry-After past it). */
    requestTimeoutMs: z.number().int().positive().default(5000),
    /**
     * An inference worker that has not answered a batch within this time is taken as hung: its batches fail (503,
     * retry), it is terminated and replaced, and readiness reports the missing worker meanwhile.
     */
    inferenceDeadlineMs: z.number().int().positive().default(10_000),
    /** A client must send its whole request within this time (slow clients get 408). */
    clientTimeoutMs: z.number().int().positive().default(10_000),
    /**
     * On SIGTERM: how long the server keeps serving after it starts failing readiness, so that a load balancer or
     * Kubernetes stops routing to it before it stops accepting (match it to their health-check period; SIGINT skips it).
     */
    shutdownGraceMs: z.number().int().min(0).default(5000),
    /** Then: how long in-flight requests may take to finish before the process exits anyway. */
    shutdownTimeoutMs: z.number().int().positive().default(10_000),
    /**
     * Used for a label with no effective threshold in the store and none in the model's `thresholds.json`; decisions
     * and `/readyz` report it as source `default`.
     */
    defaultThreshold: z.number().gt(0).lt(1).default(0.5),
    churnRule: z
      .object({
        enabled: z.boolean().default(true),
        phrases: z.array(z.string().min(1)).default([...DEFAULT_CHURN_PHRASES]),
        /** Probability added to churn_risk (capped at 1) when at least one phrase matches. */
        boost: z.number().min(0).max(1).default(churnRuleDefaults.boost),
      })
      .strict()
      .default(churnRuleDefaults),
    /**
     * Word attributions of `explain: true` on an escalated text: its first `maxWords` words get a weight, each
     * costing one more text in the single inference run that scores them (so this bounds the added latency).
     */
    explain: z
      .object({
        maxWords: z.number().int().min(1).max(256).default(explainDefaults.maxWords),
      })
      .strict()
      .default(explainDefaults),
    /** Admin token (Bearer); without one the admin API and the dashboard's data are disabled. */
    adminToken: z.string().min(16).optional(),
    /** Named operators and a sign-in proxy's identity header for the admin API (see {@link adminConfigSchema}). */
    admin: adminConfigSchema.optional(),
    /** Log message text (off by default: customer messages are personal data). */
    logText: z.boolean().default(false),
    feedback: z
      .object({
        /** JSON Lines file that agents' verdicts are appended to (`calibrate --from-feedback` reads it). */
        path: z.string().min(1).default(feedbackDefaults.path),
        /** How many recent escalations are remembered so that feedback can refer to them by id. */
        recentEscalations: z.number().int().positive().default(feedbackDefaults.recentEscalations),
        /**
         * With a shared threshold store (`thresholds.store` postgres or redis), keep feedback and escalations there
         * too (tables `feedback`/`escalations` in its schema, or a Redis stream and hash under its key prefix), so
         * that feedback sent to any replica finds its escalation; `path` is then unused. False, or a SQLite store:
         * `path` and this process's memory.
         */
        shared: z.boolean().default(feedbackDefaults.shared),
        /**
         * Who may send verdicts. `agents` (the default): a named person only — an agent of `agents`, a named
         * operator (`admin.operators`) or a name in the sign-in proxy's identity header (`admin.identityHeader`) —
         * who becomes the verdict's author; without any of them configured, feedback answers 403. `open`: anyone
         * reaching the port, the body's `agent` taken on trust (a private network behind another gate only).
         */
        auth: z.enum(['agents', 'open']).default(feedbackDefaults.auth),
        /** Named agents with their own tokens (16 characters or more): they may send verdicts, not use the admin API. */
        agents: namedTokens('agent'),
        /** Most verdicts per agent (per client address with `auth: open`) within `windowMs`; past it, 429 with Retry-After. */
        rateLimit: z
          .object({
            maxVerdicts: z.number().int().positive().default(feedbackDefaults.rateLimit.maxVerdicts),
            windowMs: z.number().int().positive().default(feedbackDefaults.rateLimit.windowMs),
          })
          .strict()
          .default(feedbackDefaults.rateLimit),
        /** Largest feedback request body in bytes; a larger one gets 413. */
        maxBodyBytes: z.number().int().min(256).max(1_048_576).default(feedbackDefaults.maxBodyBytes),
        /**
         * How many of this replica's latest escalations keep their message text (and word attributions) in memory
         * for the console's verdicts panel; 0 keeps none. Never written anywhere: the feedback log holds no text.
         */
        recentTexts: z.number().int().min(0).max(10_000).default(feedbackDefaults.recentTexts),
      })
      .strict()
      .default(feedbackDefaults),
    /** The escalation policy and the conversation memory it reads. */
    escalation: escalationConfigSchema.default(escalationConfigSchema.parse({})),
  })
  .strict()
  .refine((s) => s.maxBatch <= s.batching.queueLimit, {
    path: ['maxBatch'],
    message: 'maxBatch must not exceed batching.queueLimit (a full request could never be queued)',
  })
  .refine((s) => !s.admin?.operators.some((o) => o.token === s.adminToken), {
    path: ['admin', 'operators'],
    message: 'an operator token must differ from adminToken (the audit trail could not tell who used it)',
  })
  .refine((s) => !s.feedback.agents.some((a) => a.token === s.adminToken || s.admin?.operators.some((o) => o.token === a.token)), {
    path: ['feedback', 'agents'],
    message: 'an agent token must differ from adminToken and from every operator token (it would open the admin API)',
  });

/** Parsed serving configuration. */
export type ServingConfig = z.infer<typeof servingConfigSchema>;
