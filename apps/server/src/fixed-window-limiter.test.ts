import { FixedWindowLimiter } from './fixed-window-limiter';
import { HttpError } from './http-errors';

describe('FixedWindowLimiter', () => {
  it('refuses past the limit with Retry-After until the window ends, per key', () => {
    let now = 1_000_000;
    const limiter = new FixedWindowLimiter(2, 10_000, 'verdicts', () => now);
    limiter.take('a');
    limiter.take('a');
    now += 2_500;
    const refusal = (() => {
      try {
        limiter.take('a', 'agent "a"');
      } catch (error) {
        return error as HttpError;
      }
      throw new Error('expected a refusal');
    })();
    expect(refusal).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', headers: { 'retry-after': '8' } });
    expect(refusal.message).toMatch(/^agent "a" sent 2 verdicts within 10000 ms/);
    limiter.take('b'); // another key has its own window
    now += 7_500; // the window of "a" is over
    limiter.take('a');
  });
});
