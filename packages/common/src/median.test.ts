import { median, quantile } from './median';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('sorts numerically, not as strings, and leaves the input alone', () => {
    const values = [10, 9, 100];
    expect(median(values)).toBe(10);
    expect(values).toEqual([10, 9, 100]);
  });

  it('is NaN for no values', () => {
    expect(median([])).toBeNaN();
  });
});

describe('quantile', () => {
  it('interpolates between order statistics as numpy does by default', () => {
    // numpy.quantile([1, 2, 3, 4], [0, 0.25, 0.5, 0.75, 1]) = [1, 1.75, 2.5, 3.25, 4]
    expect([0, 0.25, 0.5, 0.75, 1].map((q) => quantile([4, 2, 1, 3], q))).toEqual([1, 1.75, 2.5, 3.25, 4]);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('is NaN for no values and refuses q outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow('q must be in [0, 1], got 1.5');
    expect(() => quantile([1], Number.NaN)).toThrow('q must be in [0, 1]');
  });
});
