import type * as tf from '@tensorflow/tfjs-core';
import { writeModelDir, type SafetensorsInput } from '@mangaassist/model-format';

/**
 * Writes the variables' current values (under the given names; float32, or int32 for an int32 tensor such as the
 * n-gram ensemble's piece codes) and `config.json` as a model directory (see `writeModelDir`). Values are read
 * asynchronously, so that backends that cannot read synchronously (WebGPU) save too.
 *
 * @example
 * ```ts
 * await writeModelFiles('runs/dapt', model.namedVariables(), { ...encoderConfigWithoutHead(model.encoder.config), architectures: ['DistilBertForMaskedLM'] });
 * ```
 */
export async function writeModelFiles(
  dir: string,
  variables: ReadonlyMap<string, tf.Tensor>,
  config: Readonly<Record<string, unknown>>,
): Promise<void> {
  const tensors = new Map<string, SafetensorsInput>();
  for (const [name, variable] of variables) {
    // `data()` gives an Int32Array for an int32 tensor, which `writeModelDir` stores as I32.
    tensors.set(name, { shape: variable.shape, data: (await variable.data()) as Float32Array | Int32Array });
  }
  writeModelDir(dir, tensors, config);
}
