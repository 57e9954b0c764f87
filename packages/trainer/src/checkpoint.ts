import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { readSafetensors, writeSafetensors, type SafetensorsInput } from '@mangaassist/model-format';
import { atomicReplace } from './atomic-file';

const FORMAT = 'mangaassist-trainer-checkpoint';
const VERSION = '1';

/** The tensors and the JSON-serialisable training state of one checkpoint. */
export interface CheckpointContents<State> {
  readonly tensors: ReadonlyMap<string, SafetensorsInput>;
  readonly state: State;
}

/**
 * Writes a checkpoint as one safetensors file (tensors + the state as JSON metadata), atomically: a temporary file
 * is written and flushed, then renamed over the previous checkpoint. Killing the process at any point leaves the
 * previous complete checkpoint or the new one.
 *
 * @example
 * ```ts
 * writeCheckpoint('run/checkpoint.safetensors', { tensors, state: { epoch: 2, step: 40 } });
 * ```
 */
export function writeCheckpoint<State>(path: string, contents: CheckpointContents<State>): void {
  removeStaleTemporaries(path);
  atomicReplace(path, (temporary) =>
    writeSafetensors(temporary, contents.tensors, { format: FORMAT, version: VERSION, state: JSON.stringify(contents.state) }),
  );
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint}. Throws `CHECKPOINT_INVALID` naming the file when it is not
 * such a checkpoint (wrong format, unsupported version, unreadable state), and `NOT_FOUND` when it is absent.
 *
 * @example
 * ```ts
 * const { tensors, state } = readCheckpoint<TrainState>('run/checkpoint.safetensors');
 * ```
 */
export function readCheckpoint<State>(path: string): {
  tensors: Map<string, { shape: readonly number[]; data: Float32Array }>;
  state: State;
} {
  if (!existsSync(path)) throw new MangaAssistError('NOT_FOUND', `no checkpoint at ${path}`, { file: path });
  const file = readSafetensors(path);
  const { format, version, state } = file.metadata;
  if (format !== FORMAT) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${path}: not a trainer checkpoint (format ${JSON.stringify(format)}, expected "${FORMAT}")`, {
      file: path,
    });
  }
  if (version !== VERSION) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${path}: checkpoint version ${JSON.stringify(version)} is not supported (expected ${VERSION})`, {
      file: path,
    });
  }
  let parsed: State;
  try {
    parsed = JSON.parse(state ?? '') as State;
  } catch (error) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${path}: training state is not valid JSON (${(error as Error).message})`, { file: path });
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
  return { tensors, state: parsed };
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
