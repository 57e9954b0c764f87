import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import {
  ORT_PROVIDER_NAMES,
  type CreateOrtSessionOptions,
  type OrtProviderName,
  type OrtSessionHandle,
} from './ort-session';

type OrtModule = typeof import('onnxruntime-node');

// A native addon that no bundler can inline: naming it through a constant keeps bundles of TensorFlow.js-only
// entries (the device scripts) from trying to, while Node resolves it normally at run time.
const ORT_MODULE = 'onnxruntime-node';

function loadOrt(): OrtModule {
  // Required lazily: importing this package (the server does, for huge pages) does not load the native addon.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(ORT_MODULE) as OrtModule;
}

/** First line of an error's message, for one-line reports. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]!.trim();
}

/**
 * Why CUDA cannot be used, or `undefined` when it may be tried. onnxruntime-node lists `cuda` as "not bundled"
 * until its provider libraries are installed beside the binding; trying it anyway makes ONNX Runtime print a
 * failed dlopen on stderr, so the files are checked first.
 */
function cudaUnavailable(ort: OrtModule): string | undefined {
  const entry = ort.listSupportedBackends().find((b) => b.name === 'cuda');
  if (!entry) return `onnxruntime-node ${ort.env.versions.common} has no CUDA provider on ${process.platform}-${process.arch}`;
  if (entry.bundled) return undefined;
  const bin = join(dirname(require.resolve(ORT_MODULE)), '..', 'bin', 'napi-v6', process.platform, process.arch);
  const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(join(bin, library)) ? undefined : `CUDA provider libraries are not installed (${library} absent)`;
}

/**
 * Creates an ONNX Runtime session, trying execution providers in priority order (CUDA when its libraries are
 * present, then CPU) and reporting which one was used and why others were skipped.
 *
 * @throws RangeError when `providers` is empty or names an unknown provider
 * @throws MangaAssistError `BACKEND_UNAVAILABLE` when no provider can create the session, listing each failure
 *
 * @example
 * ```ts
 * const { session, message } = await createOrtSession('runs/train/model.onnx');
 * console.log(message); // onnxruntime provider: cpu (skipped cuda: CUDA provider libraries are not installed …)
 * ```
 */
export async function createOrtSession(
  model: string | Uint8Array,
  options: CreateOrtSessionOptions = {},
): Promise<OrtSessionHandle> {
  const providers = options.providers ?? ORT_PROVIDER_NAMES;
  if (providers.length === 0) throw new RangeError('providers must name at least one of cuda, cpu');
  for (const p of providers) {
    if (!(ORT_PROVIDER_NAMES as readonly string[]).includes(p)) {
      throw new RangeError(`providers must contain only ${ORT_PROVIDER_NAMES.join(', ')}; got ${JSON.stringify(p)}`);
    }
  }
  const ort = loadOrt();
  const skipped: { name: OrtProviderName; reason: string }[] = [];
  for (const provider of providers) {
    const unavailable = provider === 'cuda' ? cudaUnavailable(ort) : undefined;
    if (unavailable) {
      skipped.push({ name: provider, reason: unavailable });
      continue;
    }
    try {
      const sessionOptions = { ...options.sessionOptions, executionProviders: [provider] };
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions)
          : await ort.InferenceSession.create(model, sessionOptions);
      const tail = skipped.length ? ` (skipped ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : '';
      return { session, provider, skipped, message: `onnxruntime provider: ${provider}${tail}`, Tensor: ort.Tensor };
    } catch (error) {
      skipped.push({ name: provider, reason: firstLine(error) });
    }
  }
  const where = typeof model === 'string' ? model : `${model.byteLength}-byte model`;
  throw new MangaAssistError(
    'BACKEND_UNAVAILABLE',
    `no ONNX Runtime provider could open ${where}:\n  ${skipped.map((s) => `${s.name}: ${s.reason}`).join('\n  ')}`,
    { model: typeof model === 'string' ? model : undefined, failures: skipped },
  );
}
