import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { HttpClient } from './__tests__/helpers/http-client';
import { startServerProcess, type ServerProcess } from './__tests__/helpers/server-process';

// Three real server replicas behind Debian's HAProxy, sharing one PostgreSQL threshold store, under steady load
// from keep-alive clients: (a) an override written through one replica reaches the others through the store's
// change notices, (b) a rolling restart (SIGTERM, wait, start) loses no request, (c) SIGKILL of one replica costs
// at most the requests that were in flight on it. The figures are reported in docs/results/scale-out.md.

const PG_URL = process.env['MANGAASSIST_TEST_PG_URL'];
const haproxyFound = spawnSync('haproxy', ['-v']).status === 0;
const skipReason = !haproxyFound
  ? 'haproxy not found (apt-get install haproxy; CI installs it through tools/ci/install-system-deps.sh)'
  : !PG_URL
    ? 'MANGAASSIST_TEST_PG_URL is not set (start the servers with: eval "$(bash tools/ci/start-services.sh)")'
    : undefined;

// HAProxy probes /readyz every CHECK_INTERVAL_MS and takes a replica out after FALL failures; the grace period
// covers that with room to spare, as shutdownGraceMs should in production.
const CHECK_INTERVAL_MS = 200;
const FALL = 2;
const RISE = 2;
const GRACE_MS = 1200;
const CLIENTS = 4;
// Far beyond the test's runtime: an override seen on another replica came through a change notice.
const CACHE_TTL_MS = 600_000;
const ADMIN_TOKEN = 'load-balancer-test-admin-token';
const AGENT_TOKEN = 'load-balancer-test-agent-token';
const LABEL = 'frustration';

interface Outcome {
  /** When the request was first sent. */
  readonly sentAt: number;
  /** When its final answer (or failure) came. */
  readonly at: number;
  /** Final status (after the retries a 429/503 with Retry-After asks for); undefined when the request failed. */
  readonly status?: number;
  readonly error?: string;
  /** Answers with Retry-After that the client honoured by sending again. */
  readonly retries: number;
}

/** A free loopback port (asked of the kernel, then released for the process that will bind it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Steady load through the load balancer: each client sends one classify request after the other. */
class Load {
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly loops: Promise<void>[];
  private readonly client: HttpClient;

  constructor(url: string) {
    this.client = new HttpClient(url);
    this.loops = Array.from({ length: CLIENTS }, (_, k) => this.loop(k));
  }

  /** Outcomes since `from` (ms epoch) that did not end in a 200. */
  lostSince(from: number): Outcome[] {
    return this.outcomes.filter((o) => o.at >= from && o.status !== 200);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.client.close();
  }

  private async loop(k: number): Promise<void> {
    for (let i = 0; this.running; i++) {
      let retries = 0;
      const sentAt = Date.now();
      for (;;) {
        try {
          const res = await this.client.send({ method: 'POST', url: '/v1/classify', payload: { text: `order ${k}-${i} is late again` } });
          const retryAfter = res.headers['retry-after'];
          if ((res.statusCode === 429 || res.statusCode === 503) && retryAfter !== undefined && retries < 20) {
            // Honour Retry-After as a client should, capped so that the test stays short.
            retries += 1;
            await sleep(Math.min(Number(retryAfter) * 1000, 100));
            continue;
          }
          this.outcomes.push({ sentAt, at: Date.now(), status: res.statusCode, retries });
        } catch (error) {
          this.outcomes.push({ sentAt, at: Date.now(), error: (error as NodeJS.ErrnoException).code ?? (error as Error).message, retries });
        }
        break;
      }
    }
  }
}

const describeWithServices = skipReason ? describe.skip : describe;
if (skipReason) console.warn(`skipped: load balancer test: ${skipReason}`);

describeWithServices('three replicas behind HAProxy with a shared PostgreSQL store', () => {
  const schema = `lb${process.pid}_${Date.now().toString(36)}`;
  let dir: string;
  let ports: number[];
  let lbPort: number;
  let haproxy: ChildProcess;
  const replicas: ServerProcess[] = [];
  let load: Load;

  const start = (k: number) =>
    startServerProcess(
      join(dir, `replica-${k}`),
      { port: ports[k]!, workers: 1, shutdownGraceMs: GRACE_MS, shutdownTimeoutMs: 5000, adminToken: ADMIN_TOKEN, feedback: `{ agents: [{ name: agent-7, token: ${AGENT_TOKEN} }] }` },
      {},
      { store: `{ id: postgres, options: { url: ${JSON.stringify(PG_URL)}, schema: ${schema} } }`, cacheTtlMs: CACHE_TTL_MS },
    );

  /** Waits until HAProxy routes to every replica: each one ready, then RISE checks more. */
  const allInRotation = async () => {
    for (const replica of replicas) {
      for (let i = 0; ; i++) {
        const res = await replica.client.send({ url: '/readyz' }).catch(() => undefined);
        if (res?.statusCode === 200) break;
        if (i > 200) throw new Error('a replica did not become ready');
        await sleep(50);
      }
    }
    await sleep(CHECK_INTERVAL_MS * (RISE + 1));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'load-balancer-'));
    ports = [await freePort(), await freePort(), await freePort()];
    lbPort = await freePort();
    for (let k = 0; k < 3; k++) mkdirSync(join(dir, `replica-${k}`));
    // Started one after the other: the first creates the schema, and the machine running the tests may be small.
    for (let k = 0; k < 3; k++) replicas.push(await start(k));
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(
      config,
      [
        'global',
        '  maxconn 1000',
        'defaults',
        '  mode http',
        '  timeout connect 1s',
        '  timeout client 10s',
        '  timeout server 10s',
        // A connection refused by a stopped replica is sent to another one; nothing else is retried, so a request
        // lost with a killed replica stays lost and is counted.
        '  retries 3',
        '  option redispatch 1',
        '  retry-on conn-failure',
        // A fresh connection to a replica for each request: a kept-alive one to a replica that has just been
        // killed would take the next request with it (HAProxy cannot know that it was never processed), while a
        // fresh one is refused and re-dispatched, so only the requests in flight at the kill are lost.
        '  http-reuse never',
        'frontend replicas',
        `  bind 127.0.0.1:${lbPort}`,
        '  default_backend replicas',
        'backend replicas',
        '  balance roundrobin',
        '  option httpchk GET /readyz',
        '  http-check expect status 200',
        `  default-server inter ${CHECK_INTERVAL_MS}ms fall ${FALL} rise ${RISE}`,
        ...ports.map((port, k) => `  server replica-${k} 127.0.0.1:${port} check`),
        '',
      ].join('\n'),
    );
    haproxy = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    await allInRotation();
    load = new Load(`http://127.0.0.1:${lbPort}`);
    await sleep(500);
  }, 90_000);

  afterAll(async () => {
    await load?.stop();
    haproxy?.kill('SIGKILL');
    for (const replica of replicas) {
      await replica.client.close();
      if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
    }
    if (PG_URL) {
      const client = new Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('(a) shows an override written through one replica on the others within 1 s', async () => {
    const thresholdOn = async (replica: ServerProcess): Promise<number | undefined> => {
      const res = await replica.client.send({ method: 'POST', url: '/v1/classify', payload: { text: 'where is my order', explain: true } });
      const signals = res.json().explanation?.signals as { label: string; threshold: number; thresholdSource: string }[] | undefined;
      const signal = signals?.find((s) => s.label === LABEL);
      return signal?.thresholdSource === 'store' ? signal.threshold : undefined;
    };
    const figures: number[] = [];
    for (const value of [0.31, 0.42]) {
      // Every replica has the current value cached before the change.
      for (const replica of replicas) await thresholdOn(replica);
      const res = await replicas[0]!.client.send({
        method: 'PUT',
        url: `/admin/api/thresholds/${LABEL}/override`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        payload: { value, author: 'ops@example', reason: 'load balancer test' },
      });
      expect(res.statusCode).toBe(200);
      const written = Date.now();
      const seen = await Promise.all(
        replicas.slice(1).map(async (replica) => {
          while (Date.now() - written < 5000) {
            if ((await thresholdOn(replica)) === value) return Date.now() - written;
            await sleep(5);
          }
          return Number.POSITIVE_INFINITY;
        }),
      );
      figures.push(...seen);
    }
    console.info(`propagation: override seen on the other replicas after ${figures.join(', ')} ms (cache TTL ${CACHE_TTL_MS} ms)`);
    for (const ms of figures) expect(ms).toBeLessThan(1000);
    expect(load.lostSince(0)).toEqual([]);
  }, 30_000);

  it('(a2) takes feedback on any replica for an escalation issued by another (shared feedback store)', async () => {
    const issued = await replicas[0]!.client.send({ method: 'POST', url: '/v1/classify', payload: { texts: ['order 7 is late again', 'still nothing, this is the third time'] } });
    const ids = (issued.json().results as { escalationId: string | null }[]).map((r) => r.escalationId).filter((id) => id !== null);
    expect(ids.length).toBeGreaterThan(0);
    for (const [k, replica] of replicas.slice(1).entries()) {
      const res = await replica.client.send({ method: 'POST', url: '/v1/feedback', headers: { authorization: `Bearer ${AGENT_TOKEN}` }, payload: { escalationId: ids[0], correct: k === 0, agent: 'agent-7' } });
      expect(res.statusCode).toBe(201);
    }
    // The replica that got no feedback reports the verdict (the latest of the two) all the same.
    const report = await replicas[0]!.client.send({ url: '/admin/api/feedback-report', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(report.statusCode).toBe(200);
    expect(report.json().verdicts).toBe(1);
  }, 30_000);

  it('(b) loses no request in a rolling restart of all three replicas (SIGTERM, wait, start)', async () => {
    const began = Date.now();
    const servedBefore = load.outcomes.length;
    for (let k = 0; k < 3; k++) {
      const old = replicas[k]!;
      old.child.kill('SIGTERM');
      expect(await old.exited).toBe(0);
      await old.client.close();
      replicas[k] = await start(k);
      await allInRotation();
    }
    const during = load.outcomes.slice(servedBefore);
    const retried = during.filter((o) => o.retries > 0).length;
    const lost = load.lostSince(began);
    console.info(
      `rolling restart: ${during.length} requests in ${Date.now() - began} ms, ${lost.length} lost, ${retried} answered after a Retry-After`,
    );
    expect(lost.map((o) => o.error ?? o.status)).toEqual([]);
    expect(during.length).toBeGreaterThan(100);
  }, 90_000);

  it('(c) SIGKILL of one replica costs only the requests it had been handed before it was gone', async () => {
    const killed = Date.now();
    replicas[2]!.child.kill('SIGKILL');
    await replicas[2]!.exited;
    const exited = Date.now();
    // HAProxy needs FALL failed checks to take it out; requests sent to it meanwhile are refused and re-dispatched.
    await sleep(CHECK_INTERVAL_MS * (FALL + 2) + 1000);
    const after = load.outcomes.filter((o) => o.at >= killed);
    const lost = load.lostSince(killed);
    // What the killed process itself had read and not answered, from its log (written synchronously, so the kill
    // loses no line). Requests still in its socket buffers, not yet read, were in flight on it too: the log cannot
    // see those, so this figure is reported, not used as the bound.
    const requestIds = (msg: string, also = '') =>
      new Set(
        replicas[2]!.logs
          .filter((l) => l.includes(`"msg":"${msg}"`) && l.includes(also))
          .map((l) => /"reqId":"([^"]+)"/.exec(l)?.[1]),
      );
    const completed = requestIds('request completed');
    const inFlight = [...requestIds('incoming request', '"url":"/v1/classify"')].filter((id) => !completed.has(id)).length;
    const detail = lost.map((o) => `${o.error ?? o.status} (sent at +${o.sentAt - killed} ms)`).join(', ');
    console.info(
      `SIGKILL: ${lost.length} lost of ${after.length} requests after the kill, process gone after ${exited - killed} ms (${inFlight} read by it, not answered): ${detail}`,
    );
    // Only requests already handed to the replica are lost: those sent before its process was gone (until then its
    // kernel still accepts connections for it). Any request sent later that HAProxy routed there was refused and
    // re-dispatched to another replica.
    expect(lost.every((o) => o.sentAt < exited)).toBe(true);
    expect(lost.every((o) => o.status === 502 || o.error !== undefined)).toBe(true);
    // The two others go on serving.
    expect(after.filter((o) => o.status === 200 && o.at > killed + CHECK_INTERVAL_MS * (FALL + 2)).length).toBeGreaterThan(20);
  }, 30_000);
});
