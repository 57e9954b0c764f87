import { parseServeBenchOptions, type BenchServeCliOptions } from './serve';

/** The defaults commander gives `bench serve`. */
const defaults: BenchServeCliOptions = {
  tokens: '24',
  warmup: '20',
  rounds: '8',
  perRound: '25',
  clients: '32',
  seconds: '5',
  maxBatch: '32',
  baseline: true,
  compareFusion: true,
  isolate: true,
  hugePages: true,
  hugePagesPairs: '4',
};

describe('mangaassist bench serve options', () => {
  it('turns the flags into the typed options of the benchmark', () => {
    expect(parseServeBenchOptions({ ...defaults, threads: '2', hugePagesPairs: '0', json: true })).toEqual({
      tokens: 24,
      warmup: 20,
      rounds: 8,
      perRound: 25,
      clients: 32,
      seconds: 5,
      maxBatch: 32,
      threads: 2,
      baseline: true,
      compareFusion: true,
      isolate: true,
      hugePages: true,
      hugePagesPairs: 0,
      childProgress: false,
    });
    expect(parseServeBenchOptions(defaults).childProgress).toBe(true);
  });

  it.each([
    [{ tokens: '0' }, '--tokens must be a positive integer, got "0"'],
    [{ perRound: '2.5' }, '--per-round must be a positive integer, got "2.5"'],
    [{ maxBatch: 'many' }, '--max-batch must be a positive integer, got "many"'],
    [{ threads: '-1' }, '--threads must be a positive integer, got "-1"'],
    [{ hugePagesPairs: '-1' }, '--huge-pages-pairs must be 0 or a positive integer, got "-1"'],
  ] as [Partial<BenchServeCliOptions>, string][])('rejects %j', (override, message) => {
    expect(() => parseServeBenchOptions({ ...defaults, ...override })).toThrow(message);
  });
});
