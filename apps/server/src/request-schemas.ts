import { describeZodIssues } from '@mangaassist/common';
import { CHURN_PHRASE_LIMITS } from '@mangaassist/serving';
import { z } from 'zod';
import { HttpError } from './http-errors';

// With the `u` flag a surrogate pair is one code point outside this range, so only unpaired halves match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Whether `s` holds no NUL and no unpaired UTF-16 surrogate (JSON can encode one as `"\ud800"`).
 *
 * @example
 * ```ts
 * isCleanText('ops\u0000'); // false
 * ```
 */
export function isCleanText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/*
 * A visible character: anything but white space, controls, format characters (zero-width space and joiner, soft
 * hyphen, bidirectional marks and overrides, byte-order mark), other default-ignorable code points (variation
 * selectors) and combining marks on their own. A text made only of those renders as nothing, yet the tokenizer
 * would still hand the model a sequence, so it is refused like an empty one.
 */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}]/u;

/**
 * Whether `s` has at least one visible character (see {@link VISIBLE}'s comment for what is not).
 *
 * @example
 * ```ts
 * hasVisibleCharacter('\u200B\u200B'); // false
 * hasVisibleCharacter('\u200Bok'); // true
 * ```
 */
export function hasVisibleCharacter(s: string): boolean {
  return VISIBLE.test(s);
}

/**
 * A free-text field an operator or agent sends (an audit author, a reason): trimmed, visible, at most `max` UTF-16
 * code units, no NUL and no unpaired surrogate, so the audit trail reads back exactly what was sent.
 */
function operatorText(max: number) {
  return z
    .string()
    .trim()
    .refine((s) => s.length <= max, `must be at most ${max} UTF-16 code units`)
    .refine(hasVisibleCharacter, 'must contain at least one visible character')
    .refine(isCleanText, 'must not contain NUL or unpaired surrogates');
}

/** Limits that shape the classify request schema. */
export interface TextLimits {
  readonly maxChars: number;
  readonly maxBatch: number;
  /** Most earlier messages in `history` (the conversation memory's turns per conversation); default 8. */
  readonly maxHistory?: number;
}

/**
 * One text to classify: at least one visible character, at most `maxChars` UTF-16 code units (JavaScript's
 * `length`: an emoji outside the Basic Multilingual Plane counts 2; zod's own `max` counts code points, so the limit
 * is a refinement), no NUL and no unpaired surrogate (JSON can encode one as `"\ud800"`; the tokenizer could not make
 * sense of it).
 */
export function textSchema(maxChars: number) {
  return z
    .string()
    .refine((s) => s.length <= maxChars, `must be at most ${maxChars} characters (UTF-16 code units)`)
    // For the OpenAPI document: JSON Schema's maxLength counts code points, so it is a looser bound than the check above.
    .meta({ maxLength: maxChars })
    .refine(hasVisibleCharacter, 'must contain at least one visible character')
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'must not contain unpaired UTF-16 surrogates');
}

/**
 * `POST /v1/classify`: `{ text }` or `{ texts: [...] }`, and `explain` to get the signals that decided. With
 * `conversationId` the texts are the conversation's next messages (a policy that reads conversations decides them
 * with its earlier turns); `history` sends the earlier messages instead of relying on the server's memory.
 *
 * @example
 * ```ts
 * classifyBodySchema({ maxChars: 2000, maxBatch: 64 }).parse({ texts: ['late again', 'thanks!'], explain: true });
 * ```
 */
export function classifyBodySchema(limits: TextLimits) {
  const text = textSchema(limits.maxChars);
  const maxHistory = limits.maxHistory ?? 8;
  return z
    .object({
      text: text.optional().describe(`one text (at most ${limits.maxChars} UTF-16 code units)`),
      texts: z
        .array(text)
        .min(1, 'must hold at least one text')
        .max(limits.maxBatch, `must hold at most ${limits.maxBatch} texts`)
        .optional()
        .describe(`up to ${limits.maxBatch} texts`),
      explain: z
        .boolean()
        .default(false)
        .describe('return the signals that decided, and for an escalated text the words behind each active label (one extra inference run per escalated text)'),
      conversationId: z
        .string()
        .min(1)
        .max(200)
        .refine(hasVisibleCharacter, 'must contain at least one visible character')
        .refine(isCleanText, 'must not contain NUL or unpaired surrogates')
        .optional()
        .describe('the conversation these texts continue, in order; its recent turns are remembered for the next request'),
      history: z
        .array(text)
        .max(maxHistory, `must hold at most ${maxHistory} earlier messages`)
        .optional()
        .describe(`earlier customer messages of the conversation, oldest first (at most ${maxHistory}); replace what the server remembers`),
    })
    .strict()
    .refine((b) => (b.text === undefined) !== (b.texts === undefined), {
      message: 'send exactly one of "text" or "texts"',
      path: ['text'],
    });
}

/** Parsed classify request. */
export type ClassifyBody = z.infer<ReturnType<typeof classifyBodySchema>>;

/** `POST /v1/feedback`: an agent's verdict on an escalation. */
export const feedbackBodySchema = z
  .object({
    escalationId: z.string().min(1).max(100).describe('the escalationId returned by /v1/classify'),
    correct: z.boolean().describe('true: escalating was right; false: a false alarm'),
    agent: operatorText(200)
      .optional()
      .describe('who judged; with serving.feedback.auth agents (the default) the signed-in name, which may be left out (another name is refused)'),
    note: z.string().refine((s) => s.length <= 2000, 'must be at most 2000 UTF-16 code units').refine(isCleanText, 'must not contain NUL or unpaired surrogates').optional(),
  })
  .strict();

/**
 * The range an override may take. Calibration chooses thresholds on a grid far inside it; a value closer to 0 or 1
 * (5e-324 is a valid JSON number) would make a label active on every message, or on none, while looking like a
 * threshold.
 */
export const OVERRIDE_RANGE = { min: 0.001, max: 0.999 } as const;

/**
 * How long a temporary override may last: at least a second (an expiry that passed before it was stored would
 * revert at once), at most seven days (anything longer is a decision, not a stopgap: make it permanent).
 */
export const OVERRIDE_EXPIRY = { minMinutes: 1 / 60, maxMinutes: 7 * 24 * 60 } as const;

/** `PUT /admin/api/thresholds/:label/override`: set (number) or clear (null) an override, optionally for a while. */
export const overrideBodySchema = z
  .object({
    value: z
      .number()
      .min(OVERRIDE_RANGE.min, `must be at least ${OVERRIDE_RANGE.min}`)
      .max(OVERRIDE_RANGE.max, `must be at most ${OVERRIDE_RANGE.max}`)
      .nullable()
      .describe(`the new override in [${OVERRIDE_RANGE.min}, ${OVERRIDE_RANGE.max}], or null to clear it`),
    reason: operatorText(500).describe('kept in the audit trail'),
    author: operatorText(200)
      .optional()
      .describe('who makes the change (kept in the audit trail); required with the shared admin token, optional for a named operator (whose name it must then be)'),
    expiresInMinutes: z
      .number()
      .min(OVERRIDE_EXPIRY.minMinutes, `must be at least ${OVERRIDE_EXPIRY.minMinutes} (one second)`)
      .max(OVERRIDE_EXPIRY.maxMinutes, `must be at most ${OVERRIDE_EXPIRY.maxMinutes} (seven days)`)
      .optional()
      .describe('temporary override: reverts by itself after this many minutes (fractions allowed, one second to seven days)'),
    expiresAt: z
      .string()
      .max(40)
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, 'must be an ISO 8601 time with a zone, e.g. 2026-05-01T18:00:00Z')
      .optional()
      .describe('temporary override: reverts by itself at this time (ISO 8601 with a zone, one second to seven days from now)'),
  })
  .strict()
  .refine((b) => b.expiresInMinutes === undefined || b.expiresAt === undefined, {
    path: ['expiresAt'],
    message: 'send at most one of "expiresInMinutes" or "expiresAt"',
  })
  .refine((b) => b.value !== null || (b.expiresInMinutes === undefined && b.expiresAt === undefined), {
    path: ['value'],
    message: 'clearing an override (value null) takes no expiry',
  });

/**
 * One churn phrase as an operator sends it: at most `maxLength` UTF-16 code units, visible, no NUL and no unpaired
 * surrogate; normalised afterwards as the churn phrase rule reads text (`normalizeChurnPhrases`).
 */
function phraseText(maxLength: number) {
  return z
    .string()
    .refine((s) => s.length <= maxLength, `must be at most ${maxLength} UTF-16 code units`)
    .refine(hasVisibleCharacter, 'must contain at least one visible character')
    .refine(isCleanText, 'must not contain NUL or unpaired surrogates');
}

/** `PUT /admin/api/churn-phrases`: replace the churn phrase list, with a reason. */
export const churnPhrasesBodySchema = z
  .object({
    phrases: z
      .array(phraseText(CHURN_PHRASE_LIMITS.maxLength))
      .min(1, 'must hold at least one phrase')
      .max(CHURN_PHRASE_LIMITS.maxPhrases, `must hold at most ${CHURN_PHRASE_LIMITS.maxPhrases} phrases`)
      .describe(`the new list (1-${CHURN_PHRASE_LIMITS.maxPhrases} phrases of at most ${CHURN_PHRASE_LIMITS.maxLength} characters; a trailing * makes a prefix); stored normalised`),
    reason: operatorText(500).describe('kept in the audit trail'),
    author: operatorText(200).optional().describe('as for overrides: required with the shared admin token'),
  })
  .strict();

const MAX_PROBLEMS = 10;

/**
 * Validates a request part with a zod schema; on failure throws a 400 {@link HttpError} listing at most ten
 * problems, each with its path (`texts[3]`) and what was wrong.
 *
 * @example
 * ```ts
 * const body = validate(feedbackBodySchema, request.body, 'body');
 * ```
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, part: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = describeZodIssues(result.error.issues, part).map((p) => ({ path: p.path, message: p.message }));
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  throw new HttpError(
    400,
    'INVALID_REQUEST',
    `invalid request ${part}: ${shown.map((p) => `${p.path}: ${p.message}`).join('; ')}${more}`,
    shown,
  );
}
