import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MangaAssistError } from '@mangaassist/common';
import { QUICKSTART_MODEL_ID, type QuickstartPaths } from './quickstart-plan';

/** Messages a manga store's support inbox might receive, classified at the end of the quickstart. */
export const QUICKSTART_MESSAGES = [
  'Where is my order?? It was supposed to arrive 5 days ago and tracking hasnt moved at all',
  'Just got volume 12 of Chainsaw Man, packaging was perfect, thank you so much!',
  'I want to cancel my subscription. Third damaged box in a row, never again.',
  'Is the collector edition of Berserk vol 1 the same translation as the regular one?',
  'Please I need the gift card code today, its my sons birthday tonight!!',
  'this villain makes me so angry lol best arc ever',
  'where is my order?? 5 days late',
  'thank you so much, perfect packaging! this volume destroyed me, the art is insane',
  '👍',
];

/** One classified message as the service answered it. */
export interface QuickstartClassification {
  readonly text: string;
  readonly probabilities: Readonly<Record<string, number>>;
  readonly active: readonly string[];
  readonly escalate: boolean;
  readonly priority: string;
  readonly rule: string;
}

/** A server process started from the exported model, with its URL. */
export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The server's launcher, the executable `@mangaassist/server-app` installs (`bin` in its package.json). npm scripts
 * and `npx` put it on PATH; the quickstart runs it as any user would instead of reaching into the server's build.
 */
export const SERVER_COMMAND = 'mangaassist-server';

/**
 * Writes the server configuration (the exported model, the SQLite threshold store the calibration filled, a random
 * admin token, an ephemeral port) and starts the server's launcher (`command`, default {@link SERVER_COMMAND}) as a
 * child process; resolves once it logs its URL.
 *
 * @throws MangaAssistError `NOT_FOUND` when `command` is not on PATH, or the server exits before listening
 *
 * @example
 * ```ts
 * const server = await startQuickstartServer(quickstartPaths('runs/quickstart'));
 * try {
 *   console.log(formatClassifications(await classifyThroughServer(server.url, QUICKSTART_MESSAGES)));
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
export async function startQuickstartServer(paths: QuickstartPaths, command = SERVER_COMMAND): Promise<RunningServer & { adminToken: string }> {
  const adminToken = randomBytes(24).toString('hex');
  const config = {
    serving: { modelDir: paths.model, modelId: QUICKSTART_MODEL_ID, port: 0, adminToken, feedback: { path: paths.feedback } },
    thresholds: { store: { id: 'sqlite', options: { path: paths.thresholdsDb } } },
  };
  writeFileSync(paths.serverConfig, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The launcher sets the process environment the server wants (weights on huge pages) before it starts node.
  const child = spawn(command, ['--config', paths.serverConfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitForUrl(child, command);
  return {
    url,
    adminToken,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

function waitForUrl(child: ChildProcess, command: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new MangaAssistError('TIMEOUT', `the server did not start within 60 s:\n${stderr}`));
    }, 60_000);
    // The server logs JSON lines (pino); the one announcing the URL says it is listening.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const record = JSON.parse(line) as { url?: string };
        if (record.url) {
          clearTimeout(timer);
          resolvePromise(record.url);
        }
      } catch {
        // not a log record
      }
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new MangaAssistError('NOT_FOUND', `${command} is not on PATH: install @mangaassist/server-app, or run the quickstart through npm (npm run quickstart), which puts the workspace's executables on PATH`)
          : error,
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new MangaAssistError('NOT_FOUND', `the server exited with code ${code} before listening:\n${stderr}`));
    });
  });
}

/**
 * Classifies `texts` through `POST /v1/classify` of a running server.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` when the server answers with an error or without results
 *
 * @example
 * ```ts
 * const [result] = await classifyThroughServer('http://127.0.0.1:8080', ['where is my order??']);
 * result.escalate; // true when a rule fired
 * ```
 */
export async function classifyThroughServer(url: string, texts: readonly string[]): Promise<QuickstartClassification[]> {
  const response = await fetch(`${url}/v1/classify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ texts }),
  });
  const body = (await response.json()) as { results?: Omit<QuickstartClassification, 'text'>[]; error?: { message: string } };
  if (!response.ok || !body.results) {
    throw new MangaAssistError('INVALID_ARGUMENT', `classify answered ${response.status}: ${body.error?.message ?? 'no results'}`);
  }
  return body.results.map((result, i) => ({ ...result, text: texts[i]! }));
}

/**
 * A table of the classifications: escalation decision, priority, rule and active labels per message.
 *
 * @example
 * ```ts
 * process.stdout.write(`${formatClassifications(result.classifications)}\n`);
 * ```
 */
export function formatClassifications(results: readonly QuickstartClassification[]): string {
  return results
    .map((r) => {
      const decision = r.escalate ? `ESCALATE (${r.priority}, ${r.rule})` : 'no escalation';
      const top = Object.entries(r.probabilities)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 3)
        .map(([label, p]) => `${label} ${p.toFixed(2)}`)
        .join(', ');
      return `  "${r.text}"\n    → ${decision}; active: ${r.active.join(', ') || '(none)'}; top: ${top}`;
    })
    .join('\n');
}
