import { sharedAsset } from '@mangaassist/common';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './__tests__/tf-setup';
import { runHfParity } from './hf-parity';

const fixtures = sharedAsset('fixtures/hf/tiny-distilbert/reference_outputs.json') && sharedAsset('fixtures/hf');

(fixtures ? describe : describe.skip)(
  `Hugging Face parity${fixtures ? '' : ' (skipped: fixtures/hf/tiny-distilbert/reference_outputs.json is not available)'}`,
  () => {
    beforeAll(useCpuBackend);

    it('matches the tokenizer on every reference case and last_hidden_state at every position', async () => {
      const before = tf.memory().numTensors;
      const report = await runHfParity(fixtures!);
      expect(report.tokenizer_cases).toBe(24);
      expect(report.mismatch_details).toEqual([]);
      expect(report.tokenizer_mismatches).toBe(0);
      // Parity within 1e-4 is the bar for an HF-equal encoder; float32 reordering alone explains ~1e-6, so anything larger is a real bug.
      expect(report.max_abs_diff).toBeLessThan(1e-5);
      expect(report.max_abs_diff_unmasked).toBeLessThanOrEqual(report.max_abs_diff);
      expect(report.positions_compared).toMatch(/^all \(6x29x32 .*padded positions included\)$/);
      expect(report.backend).toBe('cpu');
      expect(tf.memory().numTensors).toBe(before);
    });
  },
);
