import { Agent, request as httpRequest } from 'node:http';

/** A response read whole. */
export interface TestResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** What to send; a string or Buffer body is sent as is, anything else as JSON. */
export interface TestRequest {
  readonly method?: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly payload?: unknown;
  /** Raw bytes, sent without any content-type unless given in headers. */
  readonly raw?: Buffer | string;
}

/**
 * A small HTTP client over real loopback sockets (keep-alive), used instead of `app.inject()`: it exercises
 * Node's HTTP parser as clients do and sends bytes exactly as given (JSON.stringify escapes lone surrogates, so
 * they reach the server as `\ud800` escapes, as a misbehaving client would send them).
 */
export class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly baseUrl: string) {}

  send(req: TestRequest): Promise<TestResponse> {
    const headers: Record<string, string> = { ...req.headers };
    let body: Buffer | undefined;
    if (req.raw !== undefined) {
      body = Buffer.isBuffer(req.raw) ? req.raw : Buffer.from(req.raw, 'utf8');
    } else if (req.payload !== undefined) {
      body = Buffer.from(JSON.stringify(req.payload), 'utf8');
      headers['content-type'] ??= 'application/json';
    }
    if (body) headers['content-length'] = String(body.length);
    const sent = new Promise<TestResponse>((resolve, reject) => {
      const r = httpRequest(new URL(req.url, this.baseUrl), { method: req.method ?? (body ? 'POST' : 'GET'), headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      });
      r.on('error', reject);
      r.end(body);
    });
    const settled = sent.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return sent;
  }

  /** Waits for the responses being read, then closes the sockets. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    this.agent.destroy();
  }
}
