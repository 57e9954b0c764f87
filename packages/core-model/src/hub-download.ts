import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { MangaAssistError } from '@mangaassist/common';
import { CONFIG_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE, VOCAB_FILE, WEIGHTS_FILE } from '@mangaassist/model-format';

/** Environment variable overriding the hub endpoint (the same one Hugging Face's libraries read). */
export const HUB_ENDPOINT_ENV = 'HF_ENDPOINT';
/** Environment variable with a hub access token, sent as a bearer token (as Hugging Face's libraries do). */
export const HUB_TOKEN_ENV = 'HF_TOKEN';
/** Environment variable overriding the download cache folder. */
export const CACHE_DIR_ENV = 'MANGAASSIST_CACHE';
/** The public Hugging Face hub. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** Options of {@link resolvePretrainedDir}. */
export interface HubOptions {
  /** Download cache; default `$MANGAASSIST_CACHE` or `~/.cache/mangaassist`. */
  readonly cacheDir?: string;
  /** Hub base URL; default `$HF_ENDPOINT` or https://huggingface.co. */
  readonly endpoint?: string;
  /** Branch, tag or commit; default `main`. */
  readonly revision?: string;
  /** The fetch implementation (default: the global one). */
  readonly fetch?: typeof fetch;
}

// Files a DistilBERT directory needs: config and weights always, a tokenizer as tokenizer.json or vocab.txt.
const REQUIRED = [CONFIG_FILE, WEIGHTS_FILE];
const OPTIONAL = [TOKENIZER_FILE, TOKENIZER_CONFIG_FILE, VOCAB_FILE];
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

/**
 * Where hub downloads are cached.
 *
 * @example
 * ```ts
 * defaultCacheDir(); // ~/.cache/mangaassist unless MANGAASSIST_CACHE is set
 * ```
 */
export function defaultCacheDir(): string {
  return resolve(process.env[CACHE_DIR_ENV] ?? join(homedir(), '.cache', 'mangaassist'));
}

/**
 * Resolves a model reference to a local directory: an existing directory is used as is; otherwise a hub id
 * (`distilbert-base-uncased`, `org/name`) is downloaded once into the cache (config.json, model.safetensors and the
 * tokenizer files) and the cached directory is returned on later calls without any request. A download goes to a
 * temporary folder renamed into place when complete, so an interrupted one is never mistaken for a cached model.
 *
 * @throws MangaAssistError `NOT_FOUND` when the reference is neither a directory nor a hub id, or when a required
 *   file cannot be downloaded (naming the URL and the HTTP status)
 *
 * @example
 * ```ts
 * const dir = await resolvePretrainedDir('distilbert-base-uncased'); // ~/.cache/mangaassist/distilbert-base-uncased/main
 * const local = await resolvePretrainedDir('../shared/models/mini-distilbert-mlm');
 * ```
 */
export async function resolvePretrainedDir(idOrDir: string, options: HubOptions = {}): Promise<string> {
  if (typeof idOrDir !== 'string' || idOrDir.length === 0) throw new TypeError('idOrDir must be a non-empty string');
  if (existsSync(idOrDir)) {
    if (!statSync(idOrDir).isDirectory()) {
      throw new MangaAssistError('NOT_FOUND', `${idOrDir}: expected a model directory, found a file`, { path: idOrDir });
    }
    return resolve(idOrDir);
  }
  const looksLikePath = idOrDir.startsWith('.') || idOrDir.startsWith('/') || idOrDir.includes('\\');
  if (looksLikePath || !HUB_ID.test(idOrDir)) {
    throw new MangaAssistError(
      'NOT_FOUND',
      `${idOrDir}: no such model directory, and not a hub id (expected "name" or "org/name")`,
      { path: idOrDir },
    );
  }
  const revision = options.revision ?? 'main';
  const target = join(options.cacheDir ?? defaultCacheDir(), idOrDir.replace('/', '--'), revision);
  if (REQUIRED.every((f) => existsSync(join(target, f)))) return target;
  await download(idOrDir, revision, target, options);
  return target;
}

async function download(id: string, revision: string, target: string, options: HubOptions): Promise<void> {
  const endpoint = (options.endpoint ?? process.env[HUB_ENDPOINT_ENV] ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  const token = process.env[HUB_TOKEN_ENV];
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(partial, { recursive: true });
  try {
    for (const file of [...REQUIRED, ...OPTIONAL]) {
      const url = `${endpoint}/${id}/resolve/${encodeURIComponent(revision)}/${file}`;
      let response: Response;
      try {
        response = await fetchImpl(url, { headers, redirect: 'follow' });
      } catch (error) {
        throw new MangaAssistError('NOT_FOUND', `cannot download ${url}: ${(error as Error).message}`, { url }, { cause: error });
      }
      if (response.status === 404 && OPTIONAL.includes(file)) continue;
      if (!response.ok || !response.body) {
        throw new MangaAssistError(
          'NOT_FOUND',
          `cannot download ${url}: HTTP ${response.status} ${response.statusText}`.trim(),
          { url, status: response.status },
        );
      }
      await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(join(partial, file)));
    }
    if (!existsSync(join(partial, TOKENIZER_FILE)) && !existsSync(join(partial, VOCAB_FILE))) {
      throw new MangaAssistError('NOT_FOUND', `${endpoint}/${id}: the model has neither tokenizer.json nor vocab.txt`, {
        id,
      });
    }
    // Another process may have completed the same download meanwhile; its copy is as good as this one.
    if (existsSync(target)) rmSync(partial, { recursive: true, force: true });
    else renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}
