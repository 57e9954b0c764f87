import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { describeZodIssues, formatProblems, MangaAssistError } from '@mangaassist/common';
import { readSafetensors, writeSafetensors, type SafetensorsInput } from '@mangaassist/model-format';
import { atomicReplace } from './atomic-file';

const FORMAT = 'mangaassist-trainer-checkpoint';
// Version 2 adds the `sha256` digest; version 1 files (no digest) are still read.
const VERSION = '2';
const UNCHECKED_VERSION = '1';

/** The tensors and the JSON-serialisable training state of one checkpoint. */
export interface CheckpointContents<State> {
  readonly tensors: ReadonlyMap<string, SafetensorsInput>;
  readonly state: State;
}

/**
 * Writes a checkpoint as one safetensors file (tensors + the state as JSON metadata), atomically: a temporary file
 * is written and flushed, then renamed over the previous checkpoint. Killing the process at any point leaves the
 * previous complete checkpoint or the new one. The metadata's `sha256` digests the state, every tensor's name,
 * shape and bytes, so that {@link readCheckpoint} refuses a file damaged on disk rather than resuming from it.
 *
 * @example
 * ```ts
 * writeCheckpoint('run/checkpoint.safetensors', { tensors, state: { epoch: 2, step: 40 } });
 * ```
 */
export function writeCheckpoint<State>(path: string, contents: CheckpointContents<State>): void {
  removeStaleTemporaries(path);
  const state = JSON.stringify(contents.state);
  const tensors = [...contents.tensors].map(([name, tensor]) => ({ name, dtype: dtypeName(tensor.data), shape: tensor.shape, data: tensor.data }));
  const sha256 = checkpointDigest(state, tensors);
  atomicReplace(path, (temporary) => writeSafetensors(temporary, contents.tensors, { format: FORMAT, version: VERSION, state, sha256 }));
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint}. Throws `CHECKPOINT_INVALID` naming the file when it is not
 * such a checkpoint (wrong format, unsupported version, unreadable state), when its contents do not match the
 * recorded SHA-256 (a damaged file), or when `schema` refuses its state (naming each bad field), and `NOT_FOUND`
 * when it is absent.
 *
 * @example
 * ```ts
 * const { tensors, state } = readCheckpoint('run/checkpoint.safetensors', trainStateSchema);
 * ```
 */
export function readCheckpoint<State>(
  path: string,
  schema?: z.ZodType<State>,
): {
  tensors: Map<string, { shape: readonly number[]; data: Float32Array }>;
  state: State;
} {
  if (!existsSync(path)) throw new MangaAssistError('NOT_FOUND', `no checkpoint at ${path}`, { file: path });
  const file = readSafetensors(path);
  const { format, version, state, sha256 } = file.metadata;
  if (format !== FORMAT) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${path}: not a trainer checkpoint (format ${JSON.stringify(format)}, expected "${FORMAT}")`, {
      file: path,
    });
  }
  // A version-1 file carries no digest; one that claims version 1 and has a digest is a damaged version 2.
  if (version !== VERSION && !(version === UNCHECKED_VERSION && sha256 === undefined)) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${path}: checkpoint version ${JSON.stringify(version)} is not supported (expected ${VERSION})`, {
      file: path,
    });
  }
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [name, tensor] of file.tensors) {
    if (!(tensor.data instanceof Float32Array)) {
      throw new MangaAssistError('CHECKPOINT_INVALID', `${path}: tensor "${name}" is ${tensor.dtype}, expected a float tensor`, {
        file: path,
        tensor: name,
      });
    }
    tensors.set(name, { shape: tensor.shape, data: tensor.data });
  }
  if (version === VERSION) {
    const actual = checkpointDigest(
      state ?? '',
      [...file.tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape, data: t.data as Float32Array })),
    );
    if (actual !== sha256) {
      throw new MangaAssistError(
        'CHECKPOINT_INVALID',
        `${path}: contents do not match the recorded SHA-256 (recorded ${String(sha256).slice(0, 16)}…, computed ${actual.slice(0, 16)}…); ` +
          'the file is damaged: restore it from a copy or start a new run',
        { file: path, field: 'sha256' },
      );
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(state ?? '');
  } catch (error) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${path}: training state is not valid JSON (${(error as Error).message})`, { file: path });
  }
  if (!schema) return { tensors, state: parsed as State };
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const problems = describeZodIssues(result.error.issues, 'state');
    throw new MangaAssistError('CHECKPOINT_INVALID', `${path}: training state is invalid:\n${formatProblems(problems)}`, {
      file: path,
      fields: problems.map((p) => p.path),
    });
  }
  return { tensors, state: result.data };
}

/**
 * SHA-256 over the state text and, in name order, each tensor's name, dtype, shape and bytes: a changed byte
 * anywhere that matters (a value, a shape, a name, the state) changes it. Both the writer and the reader hash the
 * values as they are in memory, so the host's byte order does not matter.
 */
function checkpointDigest(
  state: string,
  tensors: readonly { name: string; dtype: string; shape: readonly number[]; data: Float32Array | SafetensorsInput['data'] }[],
): string {
  const hash = createHash('sha256');
  const text = (value: string) => {
    const bytes = Buffer.from(value, 'utf8');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(bytes.length));
    hash.update(length).update(bytes);
  };
  text(state);
  for (const tensor of [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    text(tensor.name);
    text(`${tensor.dtype}[${tensor.shape.join(',')}]`);
    hash.update(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  }
  return hash.digest('hex');
}

/** The safetensors dtype `writeSafetensors` gives such data. */
function dtypeName(data: SafetensorsInput['data']): string {
  return data instanceof Float32Array ? 'F32' : data instanceof Int32Array ? 'I32' : 'I64';
}

/** Temporary files left by a process killed mid-write are garbage: nothing refers to them. */
function removeStaleTemporaries(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) return;
  // Our temporary name and the safetensors writer's own (nested) one both start with dots and end with `.tmp`.
  const prefix = `${basename(path)}.`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') && name.replace(/^\.+/, '').startsWith(prefix) && name.endsWith('.tmp')) {
      rmSync(join(dir, name), { force: true });
    }
  }
}
