import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { nativeKernelsAvailable } from './native-binding';
import { OVERRIDABLE_KERNELS, registerNativeCpuKernels, registeredNativeCpuKernels, unregisterNativeCpuKernels } from './register';

describe('registerNativeCpuKernels', () => {
  afterEach(() => {
    unregisterNativeCpuKernels();
  });

  it('accounts for every kernel: registered or skipped with a reason', () => {
    const { registered, skipped } = registerNativeCpuKernels();
    expect([...registered, ...skipped.map((s) => s.kernel)].sort()).toEqual([...OVERRIDABLE_KERNELS].sort());
    skipped.forEach((s) => expect(s.reason.length).toBeGreaterThan(10));
    if (nativeKernelsAvailable().available) {
      expect(skipped).toEqual([]);
    } else {
      expect(registered).toEqual(['UnsortedSegmentSum']);
      expect(skipped[0].reason).toMatch(/build:native|disabled/);
    }
  });

  it('is idempotent: a second call keeps the same kernel functions', () => {
    registerNativeCpuKernels();
    const first = tf.getKernel('UnsortedSegmentSum', 'cpu').kernelFunc;
    const again = registerNativeCpuKernels();
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu').kernelFunc).toBe(first);
    expect(again.registered).toContain('UnsortedSegmentSum');
  });

  it('registers a subset, and unregistering restores the TensorFlow.js kernels', () => {
    const original = tf.getKernel('UnsortedSegmentSum', 'cpu').kernelFunc;
    const { registered } = registerNativeCpuKernels({ kernels: ['UnsortedSegmentSum'] });
    expect(registered).toEqual(['UnsortedSegmentSum']);
    expect(registeredNativeCpuKernels()).toEqual(['UnsortedSegmentSum']);
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu').kernelFunc).not.toBe(original);
    expect(unregisterNativeCpuKernels()).toEqual(['UnsortedSegmentSum']);
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu').kernelFunc).toBe(original);
  });

  it('rejects unknown kernel names and bad thread counts, naming the option', () => {
    expect(() => registerNativeCpuKernels({ kernels: ['Conv2D'] })).toThrow(RangeError);
    expect(() => registerNativeCpuKernels({ kernels: ['Conv2D'] })).toThrow(/kernels: unknown kernel "Conv2D"; allowed: .*BatchMatMul/);
    expect(() => registerNativeCpuKernels({ threads: 0 })).toThrow(/threads must be a positive integer/);
  });
});
