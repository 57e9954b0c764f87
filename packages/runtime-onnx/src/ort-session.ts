import type { InferenceSession, Tensor } from 'onnxruntime-node';

/** ONNX Runtime execution providers this project uses, in default priority order. */
export const ORT_PROVIDER_NAMES = ['cuda', 'cpu'] as const;

/** One of {@link ORT_PROVIDER_NAMES}. */
export type OrtProviderName = (typeof ORT_PROVIDER_NAMES)[number];

/** Options of {@link createOrtSession}. */
export interface CreateOrtSessionOptions {
  /** Providers to try, in order; default `['cuda', 'cpu']`. `['cpu']` forces the CPU. */
  readonly providers?: readonly OrtProviderName[];
  /** Passed to `InferenceSession.create` (the execution providers are set from `providers`). */
  readonly sessionOptions?: Omit<InferenceSession.SessionOptions, 'executionProviders'>;
}

/** A created session and how its provider was chosen. */
export interface OrtSessionHandle {
  readonly session: InferenceSession;
  readonly provider: OrtProviderName;
  /** Providers tried before, with the reason each was not used. */
  readonly skipped: readonly { readonly name: OrtProviderName; readonly reason: string }[];
  /** One line for logs. */
  readonly message: string;
  /** ONNX Runtime's tensor class, to build feeds without importing the native module again. */
  readonly Tensor: typeof Tensor;
}
