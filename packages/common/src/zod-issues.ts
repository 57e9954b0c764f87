import type { z } from 'zod';

/** One failed path of a validation, in words a user can act on. */
export interface ValidationProblem {
  /** Dotted path, e.g. `loss.options.gamma` (`(root)` for the whole value). */
  readonly path: string;
  /** What is wrong there, including the allowed values when zod knows them. */
  readonly message: string;
}

/**
 * Turns zod issues into {@link ValidationProblem}s, prefixing each path with `prefix`.
 * Enum and literal issues keep their allowed values so the message can list them.
 *
 * @example
 * ```ts
 * const result = schema.safeParse(raw);
 * if (!result.success) console.log(describeZodIssues(result.error.issues, 'loss.options'));
 * ```
 */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): ValidationProblem[] {
  return issues.flatMap((issue): ValidationProblem[] => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p.length > 0).join('.') || '(root)';
    if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0) {
      // A union failure is only readable through its branches; report the branch that got furthest.
      const deepest = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      return describeZodIssues(deepest, path === '(root)' ? '' : path);
    }
    let message = issue.message;
    if (issue.code === 'invalid_value' && 'values' in issue) {
      message = `${message} (allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')})`;
    }
    if (issue.code === 'unrecognized_keys' && 'keys' in issue) {
      message = `unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    return [{ path, message }];
  });
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

/** Formats problems one per line, indented, for error messages. */
export function formatProblems(problems: readonly ValidationProblem[]): string {
  return problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n');
}
