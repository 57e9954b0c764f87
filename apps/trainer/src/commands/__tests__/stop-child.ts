// A process for the stop-signal tests: runs a "job" under checkpointOnInterrupt that waits for its abort signal
// (or, with `stuck`, never ends), printing `ready` once the handlers are installed and `{ reason }` at the end.
import { checkpointOnInterrupt } from '../training-run';

const stuck = process.argv[2] === 'stuck';
checkpointOnInterrupt(async (signal) => {
  process.stdout.write('ready\n');
  while (stuck || !signal.aborted) await new Promise((resolve) => setTimeout(resolve, 5));
  return signal.reason as unknown;
}).then(
  (reason) => process.stdout.write(`${JSON.stringify({ reason })}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
