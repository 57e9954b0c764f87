import { benchCommand } from '../bench';
import { formatTrainBench, trainBenchReport, type TrainBenchCliOptions, type TrainBenchReport } from './train';
import { runCommand } from '../../__tests__/run-command';

/** A one-step epoch of 4 examples: checks the plumbing, not the speed (speed comes from the command itself). */
const tiny: TrainBenchCliOptions = {
  synthetic: true,
  examples: '4',
  batch: '2',
  seq: '4',
  steps: '1',
  warmup: '0',
  trainable: 'head',
  backend: 'cpu',
  kernels: 'js',
  pytorch: false,
};

const run = async (args: string[]): Promise<string> => (await runCommand(benchCommand, args)).stdout;

describe('mangaassist bench train', () => {
  let report: TrainBenchReport;

  beforeAll(async () => {
    report = JSON.parse(
      await run(['train', '--synthetic', '--examples', '4', '--batch', '2', '--seq', '4', '--steps', '1', '--warmup', '0', '--trainable', 'head', '--backend', 'cpu', '--kernels', 'js', '--no-pytorch', '--json']),
    ) as TrainBenchReport;
  });

  it('reports the documented keys, with the PyTorch baseline marked as skipped', () => {
    expect(report).toMatchObject({ backend: 'cpu', trainable: 'head', steps_per_epoch: 2, steps_timed: 1, projected: true, pytorch_seconds_per_epoch: null, ratio: null });
    expect(report.pytorch_reason).toBe('skipped (--no-pytorch)');
    expect(report.examples_per_s).toBeGreaterThan(0);
    expect(report.seconds_per_epoch).toBeCloseTo((report.step_ms_median * 2) / 1000, 6);
    // Head only: pre_classifier 256x256 + 256, classifier 6x256 + 6.
    expect(report.trainable_parameters).toBe(256 * 256 + 256 + 6 * 256 + 6);
    expect(report.goal).toEqual({ seconds_per_epoch: 120, ratio: 3, met: null });
    expect(report.configurations).toHaveLength(1);
  });

  it('formats a table with the ratio and the goal verdict', () => {
    const withTorch: TrainBenchReport = {
      ...report,
      configurations: [{ ...report.configurations[0], pytorch_seconds_per_epoch: 50, ratio: 2, pytorch_reason: undefined }],
      goal: { seconds_per_epoch: 120, ratio: 3, met: true },
    };
    const text = formatTrainBench(withTorch);
    expect(text).toMatch(/^head\s+67334\s+[\d.]+\s+[\d.]+\s+[\d.]+\*\s+50\.0\s+2\.00$/m);
    expect(text).toMatch(/^\* projected from the median of 1 timed steps$/m);
    expect(text).toMatch(/^goal \(<= 120 s\/epoch and <= 3x PyTorch\): met$/m);
    expect(text).toMatch(/^kernels: {2}JavaScript \(native kernels not requested\)$/m);
  });

  it('says that another backend computes with its own kernels, not the native CPU ones', () => {
    expect(formatTrainBench({ ...report, backend: 'webgpu' })).toMatch(/^kernels: {2}webgpu's own \(the native CPU kernels serve the cpu backend only\)$/m);
  });

  it.each([
    [{ examples: '0' }, '--examples must be a positive integer, got 0'],
    [{ kernels: 'gpu' }, '--kernels must be native or js, got gpu'],
    [{ trainable: 'ulmfit-9' }, '--trainable must be one of full, head, ulmfit-1, ulmfit-2, ulmfit-3, ulmfit-4; got ulmfit-9'],
    [{ backend: 'metal' }, '--backend must be one of'],
    [{ model: '/tmp/model' }, '--model and --synthetic exclude each other'],
  ] as [Partial<TrainBenchCliOptions>, string][])('rejects %j', async (override, message) => {
    await expect(trainBenchReport({ ...tiny, ...override })).rejects.toThrow(message);
  });
});
