import { Writable } from 'node:stream';
import { parseConfig, serverConfigSchema, type ServerConfig } from '@mangaassist/common';
import { MemoryFeedbackLog } from '@mangaassist/serving';
import pino from 'pino';
import { startServer, type RunningServer } from '../../start-server';
import { HttpClient, type TestRequest, type TestResponse } from './http-client';
import { KeywordClassifier } from './keyword-classifier';
import { MemoryThresholdStore } from './memory-threshold-store';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** The token of agent `agent-7` (`serving.feedback.agents`), who may send verdicts. */
export const AGENT_TOKEN = 'test-agent-7-token-0123456789';
/** Headers of a request sent as agent `agent-7`. */
export const AS_AGENT = { authorization: `Bearer ${AGENT_TOKEN}` } as const;

/** A server built from fakes, with its log lines captured. */
export interface TestServer extends RunningServer {
  readonly classifier: KeywordClassifier;
  readonly store: MemoryThresholdStore;
  readonly feedback: MemoryFeedbackLog;
  readonly config: ServerConfig;
  /** Every log line written so far (JSON strings). */
  readonly logs: string[];
  /** Sends a request over loopback (the server listens unless `listen: false`). */
  inject(req: TestRequest): Promise<TestResponse>;
}

/**
 * Starts a server on fakes. Thresholds: frustration 0.5 and churn_risk 0.5 recommended; other labels use the
 * default 0.5; `storeDown` starts with the store unreachable. `serving` overrides are merged into the test defaults (admin token set, loopback, port 0).
 */
export async function startTestServer(
  serving: Record<string, unknown> = {},
  options: { listen?: boolean; seed?: boolean; storeDown?: boolean; logLevel?: string; thresholds?: Record<string, unknown> } = {},
): Promise<TestServer> {
  const config = parseConfig(serverConfigSchema, {
    // The fuzz tests send thousands of bad tokens from this one address: the failure limit is far above that here,
    // and the tests of the limit set their own.
    // Agent agent-7 may send verdicts; like the failure limit, the verdict rate limit is far above what tests send.
    serving: {
      host: '127.0.0.1',
      port: 0,
      adminToken: ADMIN_TOKEN,
      admin: { authFailures: { maxFailures: 1_000_000 } },
      ...serving,
      feedback: {
        agents: [{ name: 'agent-7', token: AGENT_TOKEN }],
        rateLimit: { maxVerdicts: 1_000_000 },
        ...(serving['feedback'] as Record<string, unknown> | undefined),
      },
    },
    thresholds: { cacheTtlMs: 0, healthCheckIntervalMs: 0, ...options.thresholds },
  });
  const classifier = new KeywordClassifier();
  const store = new MemoryThresholdStore();
  if (options.seed !== false) {
    await store.setRecommended(classifier.modelId, { frustration: 0.5, churn_risk: 0.5 }, { author: 'calibrate', reason: 'test seed' });
  }
  store.down = options.storeDown ?? false;
  const feedback = new MemoryFeedbackLog();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: options.logLevel ?? 'info' }, sink);
  const server = await startServer(config, { classifier, store, feedback, logger, listen: options.listen ?? true });
  const client = new HttpClient(server.url || 'http://127.0.0.1:1');
  return {
    ...server,
    classifier,
    store,
    feedback,
    config,
    logs,
    inject: (req) => client.send(req),
    close: async () => {
      await server.close();
      await client.close();
    },
  };
}
