import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** Typed array behind a cpu tensor (no copy). */
export function valuesOf(backend: MathBackendCPU, tensor: TensorInfo): Float32Array | Int32Array | Uint8Array {
  return backend.data.get(tensor.dataId).values as Float32Array | Int32Array | Uint8Array;
}

/**
 * Float32 data of a float32 cpu tensor. The cpu backend may keep another typed array behind a float32 tensor (a
 * cast from int32 keeps the Int32Array), so such data is converted.
 */
export function float32Of(backend: MathBackendCPU, tensor: TensorInfo): Float32Array {
  return toFloat32(backend.data.get(tensor.dataId).values as ArrayLike<number>);
}

/** `values` itself when it is a Float32Array, else a float32 copy. */
export function toFloat32(values: ArrayLike<number>): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/** Int32 data of an int32 cpu tensor. */
export function int32Of(backend: MathBackendCPU, tensor: TensorInfo): Int32Array {
  return backend.data.get(tensor.dataId).values as Int32Array;
}

// Above this size, skipping the zero-fill of a fresh array measurably helps kernels that overwrite every element.
const UNINITIALIZED_MIN_BYTES = 1 << 16;

/** A float32 array that the caller will fully overwrite (its initial contents are unspecified). */
export function allocOutput(length: number): Float32Array {
  const bytes = length * 4;
  if (bytes < UNINITIALIZED_MIN_BYTES) return new Float32Array(length);
  const buffer = Buffer.allocUnsafeSlow(bytes);
  return new Float32Array(buffer.buffer, buffer.byteOffset, length);
}

/** Product of the dimensions. */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

/** Every input is a float32 tensor (the dtype the native kernels implement). */
export function allFloat32(...tensors: (TensorInfo | undefined)[]): boolean {
  return tensors.every((t) => t !== undefined && t.dtype === 'float32');
}
