import { runServeChildTask } from './serve';

// The measuring process checks its one JSON argument before loading anything: a malformed task names its field.
describe('bench serve measuring-process task', () => {
  const latency = { kind: 'latency', precision: 'int8', work: '/tmp/none', message: 'hello', threads: 1, warmup: 1, requests: 4 };

  it('refuses an argument that is not JSON', async () => {
    await expect(runServeChildTask('--only-precision int8')).rejects.toThrow('the measuring process takes one JSON argument, got "--only-precision int8"');
  });

  it.each([
    [{ ...latency, precision: 'fp16' }, 'measuring-process task: precision:'],
    [{ ...latency, requests: 0 }, 'measuring-process task: requests:'],
    [{ ...latency, kind: 'both' }, 'measuring-process task: kind:'],
    [{ kind: 'precision', precision: 'fp32', work: '/tmp/none', message: 'hello', options: { tokens: 24 } }, 'measuring-process task: options.warmup:'],
  ])('refuses %j', async (task, message) => {
    await expect(runServeChildTask(JSON.stringify(task))).rejects.toThrow(message);
  });
});
