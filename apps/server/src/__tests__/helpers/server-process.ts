import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient } from './http-client';

const MAIN = join(__dirname, '..', '..', '..', 'dist', 'main.js');

/** The tiny exported classifier of the serving package's tests. */
export const TINY_MODEL = join(__dirname, '..', '..', '..', '..', '..', 'packages', 'serving', 'src', 'onnx', '__fixtures__', 'tiny-export');

/** A real server process (`dist/main.js`), its keep-alive client, its log lines and its exit. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly client: HttpClient;
  readonly logs: string[];
  readonly exited: Promise<number | null>;
}

/**
 * Starts `node dist/main.js --config <dir>/server.yaml` on {@link TINY_MODEL} with a SQLite store in `dir`, the
 * given `serving` settings (YAML lines, indented under `serving:`; `port` defaults to 0, any free port) and
 * environment, and resolves once it listens. `thresholds` replaces or adds settings under `thresholds:` (a shared
 * `store`, `cacheTtlMs`, …).
 */
export async function startServerProcess(
  dir: string,
  serving: Record<string, string | number>,
  env: Record<string, string> = {},
  thresholds: Record<string, string | number> = {},
): Promise<ServerProcess> {
  const config = join(dir, 'server.yaml');
  const thresholdSettings: Record<string, string | number> = {
    store: `{ id: sqlite, options: { path: ${JSON.stringify(join(dir, 'thresholds.db'))} } }`,
    healthCheckIntervalMs: 0,
    ...thresholds,
  };
  writeFileSync(
    config,
    [
      'serving:',
      `  modelDir: ${JSON.stringify(TINY_MODEL)}`,
      '  intraOpNumThreads: 1',
      ...Object.entries({ port: 0, ...serving }).map(([key, value]) => `  ${key}: ${value}`),
      'thresholds:',
      ...Object.entries(thresholdSettings).map(([key, value]) => `  ${key}: ${value}`),
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [MAIN, '--config', config], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        const listening = /"url":"(http:[^"]+)"[^\n]*"msg":"listening"/.exec(line);
        if (listening) resolve(listening[1]!);
      }
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${stderr}`)));
  });
  return { child, client: new HttpClient(url), logs, exited };
}
