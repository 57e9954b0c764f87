// The serving benchmark's measuring process: `node dist/serve-child.js '<task JSON>'`, started by `benchServe` for
// each precision (and each process of the huge-pages comparison) so that it measures in a fresh process, as a
// server loads one model. Its report goes to the parent as one JSON line on stdout, its progress to stderr.
import { runServeChildTask } from './serve/serve';

runServeChildTask(process.argv[2] ?? '', (line) => process.stderr.write(`${line}\n`)).then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
