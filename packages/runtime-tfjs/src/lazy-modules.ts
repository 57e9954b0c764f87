import type { TfjsModule } from './tfjs-backend';

/*
 * Heavy and optional modules are required here, inside functions, and never at the top of a module: importing
 * `@mangaassist/runtime-tfjs` must not load TensorFlow.js before a backend is chosen, and the optional accelerators must
 * be detectable rather than required. Each `require` names its module literally so that bundlers (esbuild, for the
 * device runs) can see and inline it; a literal require inside `try` of a package that is not installed is left to
 * fail at run time, which is what the detection wants.
 */

/** Loads `@tensorflow/tfjs-core` on first use. */
export function loadTfjsCore(): TfjsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs-core') as TfjsModule;
}

/** True when `error` is Node's "cannot find module" for `id` itself (not for one of its own dependencies). */
export function isModuleMissing(error: unknown, id: string): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(`'${id}'`);
}

/** Short reason text for a failed optional `require`. */
export function requireFailure(error: unknown, id: string): string {
  if (isModuleMissing(error, id)) return `${id} is not installed`;
  return `${id} failed to load: ${firstLine(error)}`;
}

/** First line of an error's message, for one-line reports. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]!.trim();
}

let gradientsRegistered = false;

/**
 * Registers TensorFlow.js's gradient functions for every op, once per process. `@tensorflow/tfjs-core` alone
 * registers none (its CommonJS build leaves them to the `@tensorflow/tfjs` bundle), so without this
 * `tf.variableGrads` and `optimizer.minimize` fail with "gradient function not found". The registry is global,
 * so registering through the bundle serves every user of `@tensorflow/tfjs-core`.
 *
 * @example
 * ```ts
 * registerTfjsGradients();
 * const { grads } = tf.variableGrads(() => loss());
 * ```
 */
export function registerTfjsGradients(): void {
  if (gradientsRegistered) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs');
  gradientsRegistered = true;
}
