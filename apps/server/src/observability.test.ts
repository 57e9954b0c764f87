import { createContainer } from './container';
import { APP_CONTEXT, CLASSIFICATION_SERVICE, METRICS } from './tokens';
import { KeywordClassifier } from './__tests__/helpers/keyword-classifier';
import { MemoryThresholdStore } from './__tests__/helpers/memory-threshold-store';
import { startTestServer } from './__tests__/helpers/test-server';
import { CachedThresholdStore } from '@mangaassist/thresholds';
import { parseConfig, serverConfigSchema } from '@mangaassist/common';
import pino from 'pino';

const SECRET = 'my-card-number-4111-angry';

describe('structured logs', () => {
  it('never log message text by default', async () => {
    const server = await startTestServer();
    try {
      await server.inject({ method: 'POST', url: '/v1/classify', payload: { texts: [SECRET, 'hello'] } });
      await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: `${SECRET}\u0000` } });
      await server.inject({ method: 'POST', url: '/v1/classify', raw: `{"text": "${SECRET}`, headers: { 'content-type': 'application/json' } });
      const lines = server.logs.map((l) => JSON.parse(l));
      const classified = lines.find((l) => l.msg === 'classified');
      expect(classified).toMatchObject({ texts: 2, escalations: 1, rules: ['frustration', 'none'], reqId: expect.any(String) });
      expect(server.logs.join('\n')).not.toContain(SECRET);
      expect(lines.some((l) => l.msg === 'request completed' && l.res?.statusCode === 400)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('log the text when serving.logText is on', async () => {
    const server = await startTestServer({ logText: true });
    try {
      await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: SECRET } });
      const classified = server.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'classified');
      expect(classified.text).toEqual([SECRET]);
    } finally {
      await server.close();
    }
  });
});

describe('OpenAPI document', () => {
  it('documents every route, with request schemas from the validators', async () => {
    const server = await startTestServer({ maxChars: 300, maxBatch: 7 });
    try {
      const spec = (await server.inject({ url: '/openapi.json' })).json();
      expect(spec.openapi).toBe('3.1.0');
      // Every served route is documented, except the dashboard page's own scripts and style.
      const undocumented = server.context.docs.undocumented();
      expect(undocumented).toEqual(expect.arrayContaining(['GET /dashboard/console/app.js', 'GET /dashboard/dashboard.css']));
      expect(undocumented.filter((route) => !/^GET \/dashboard\/[\w/.-]+\.(js|css)$/.test(route))).toEqual([]);
      expect(Object.keys(spec.paths)).toHaveLength(16); // + calibration curves, + live counters
      const body = spec.paths['/v1/classify'].post.requestBody.content['application/json'].schema;
      expect(body.properties.text.maxLength).toBe(300);
      expect(body.properties.texts.maxItems).toBe(7);
      expect(spec.paths['/admin/api/thresholds'].get.security).toEqual([{ adminToken: [] }]);
      expect(spec.paths['/admin/api/thresholds/{label}/override'].put.parameters[0]).toMatchObject({ name: 'label', in: 'path' });
    } finally {
      await server.close();
    }
  });
});

describe('container', () => {
  it('composes singletons in a child container that tests can override', () => {
    const config = parseConfig(serverConfigSchema, {});
    const classifier = new KeywordClassifier();
    const store = new CachedThresholdStore(new MemoryThresholdStore());
    const c = createContainer(config, { classifier, store, logger: pino({ level: 'silent' }) });
    const ctx = c.resolve(APP_CONTEXT);
    expect(ctx.service).toBe(c.resolve(CLASSIFICATION_SERVICE));
    expect(ctx.metrics).toBe(c.resolve(METRICS));
    expect(ctx.service.modelId).toBe('keyword-test-v1');
    const child = c.createChildContainer();
    const other = { marker: true };
    child.register(METRICS, { useValue: other as never });
    expect(child.resolve(METRICS)).toBe(other);
    expect(c.resolve(METRICS)).not.toBe(other);
  });
});
