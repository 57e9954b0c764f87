import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { writeSafetensors, type SafetensorsInput } from '@mangaassist/common';

/**
 * Writes the files every saved model directory has: `model.safetensors` (the variables' current values, float32,
 * under the given names, metadata `format: pt` as PyTorch writes it) and `config.json`, the latter through a temporary
 * file so that readers never see half of it. The directory is created when missing.
 *
 * @example
 * ```ts
 * await writeModelFiles('runs/dapt', model.namedVariables(), { ...encoderConfigWithoutHead(model.encoder.config), architectures: ['DistilBertForMaskedLM'] });
 * ```
 */
export async function writeModelFiles(
  dir: string,
  variables: ReadonlyMap<string, tf.Variable>,
  config: Readonly<Record<string, unknown>>,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, SafetensorsInput>();
  for (const [name, variable] of variables) {
    tensors.set(name, { shape: variable.shape, data: (await variable.data()) as Float32Array });
  }
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  const temporary = join(dir, `.config.json.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(temporary, join(dir, 'config.json'));
}
