import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { useCpuBackend } from './__tests__/tf-setup';
import { writeTinyModel } from './__tests__/tiny-model';
import { HUB_ENDPOINT_ENV, resolvePretrainedDir } from './hub-download';
import { fromPretrained } from './pretrained';

/** A loopback stand-in for the hub: serves `<root>/<org>/<name>/<file>` at `/<org>/<name>/resolve/<rev>/<file>`. */
async function startHub(root: string): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const match = /^\/(.+)\/resolve\/([^/]+)\/([^/]+)$/.exec(req.url ?? '');
    const file = match ? join(root, match[1]!, match[3]!) : '';
    if (!match || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('fromPretrained with a hub id', () => {
  let root: string;
  let hub: Awaited<ReturnType<typeof startHub>>;
  const savedEndpoint = process.env[HUB_ENDPOINT_ENV];

  beforeAll(useCpuBackend);
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'hub-'));
    writeTinyModel(join(root, 'served', 'acme', 'tiny-distilbert'), { prefix: 'distilbert.', seed: 5 });
    hub = await startHub(join(root, 'served'));
    process.env[HUB_ENDPOINT_ENV] = hub.url;
  });
  afterEach(async () => {
    if (savedEndpoint === undefined) delete process.env[HUB_ENDPOINT_ENV];
    else process.env[HUB_ENDPOINT_ENV] = savedEndpoint;
    await new Promise((resolve) => hub.server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('downloads once into the cache (endpoint from HF_ENDPOINT), then loads without any request', async () => {
    const cacheDir = join(root, 'cache');
    const first = await fromPretrained('acme/tiny-distilbert', { cacheDir });
    expect(first.dir).toBe(join(cacheDir, 'acme--tiny-distilbert', 'main'));
    expect(readdirSync(first.dir).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    expect(hub.requests).toEqual(
      ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt'].map(
        (f) => `/acme/tiny-distilbert/resolve/main/${f}`,
      ),
    );
    expect(first.report.prefix).toBe('distilbert.');
    first.encoder.dispose();

    hub.requests.length = 0;
    const second = await fromPretrained('acme/tiny-distilbert', { cacheDir });
    expect(hub.requests).toEqual([]);
    expect(second.dir).toBe(first.dir);
    second.encoder.dispose();
    // Only the finished directory is left: no partial download folder beside it.
    expect(readdirSync(join(cacheDir, 'acme--tiny-distilbert'))).toEqual(['main']);
  });

  it('fails with NOT_FOUND naming the URL and status when a required file is missing, caching nothing', async () => {
    const cacheDir = join(root, 'cache');
    const error = await resolvePretrainedDir('acme/absent', { cacheDir }).catch((e: Error) => e);
    expect(isMangaAssistError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe(`cannot download ${hub.url}/acme/absent/resolve/main/config.json: HTTP 404 Not Found`);
    expect(readdirSync(join(cacheDir, 'acme--absent'))).toEqual([]);
  });

  it('prefers an explicit endpoint and revision over the environment', async () => {
    process.env[HUB_ENDPOINT_ENV] = 'http://127.0.0.1:9';
    const dir = await resolvePretrainedDir('acme/tiny-distilbert', { cacheDir: join(root, 'c'), endpoint: `${hub.url}/`, revision: 'v1' });
    expect(dir).toBe(join(root, 'c', 'acme--tiny-distilbert', 'v1'));
    expect(hub.requests[0]).toBe('/acme/tiny-distilbert/resolve/v1/config.json');
  });

  it('rejects a reference that is neither a directory nor a hub id', async () => {
    const error = await resolvePretrainedDir('./no/such/dir').catch((e: Error) => e);
    expect(isMangaAssistError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe('./no/such/dir: no such model directory, and not a hub id (expected "name" or "org/name")');
    expect(hub.requests).toEqual([]);
  });
});
