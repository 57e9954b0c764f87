import { classifyResponseSchema, classifyResultSchema } from './routes/classify';
import { startTestServer, type TestServer } from './__tests__/helpers/test-server';

interface Attribution {
  method: string;
  wordsRead: number;
  wordsConsidered: number;
  labels: { label: string; probability: number; words: { word: string; start: number; end: number; tokens: string[]; weight: number }[] }[];
}

describe('POST /v1/classify with explain: word attributions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxBatch: 4, explain: { maxWords: 6 } }, { listen: false });
  });
  afterAll(() => server.close());

  const classify = async (payload: object) => {
    const res = await server.app.inject({ method: 'POST', url: '/v1/classify', payload });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // Parsing drops keys the schema does not name and fails on wrong types: equal means the body is what the
    // OpenAPI document describes.
    // For { text } the result's fields are at the top level.
    const { modelId, degraded, results, ...single } = body;
    const head = { modelId, degraded, ...(results ? { results } : {}) };
    expect(classifyResponseSchema.parse(head)).toEqual(head);
    if (!results) expect(classifyResultSchema.parse(single)).toEqual(single);
    return body;
  };

  it('returns, for each active label of an escalated text, its words with signed weights, highest first', async () => {
    const text = 'angry and leaving, hello';
    const body = await classify({ text, explain: true });
    expect(body.active).toEqual(['frustration', 'churn_risk']); // neutral, above its threshold, dropped beside them
    const attribution = body.explanation.attribution as Attribution;
    expect(attribution).toMatchObject({ method: 'occlusion', wordsRead: 4, wordsConsidered: 4 });
    expect(attribution.labels.map((l) => l.label)).toEqual(body.active);
    for (const l of attribution.labels) {
      const weights = l.words.map((w) => w.weight);
      expect(weights).toEqual([...weights].sort((a, b) => b - a));
      for (const w of l.words) expect(text.slice(w.start, w.end)).toBe(w.word);
    }
    const frustration = attribution.labels[0]!;
    expect(frustration.probability).toBeCloseTo(0.9, 6);
    // Without "angry" frustration falls to the base 0.05; the other words change nothing.
    expect(frustration.words[0]).toMatchObject({ word: 'angry', tokens: ['angry'] });
    expect(frustration.words[0]!.weight).toBeCloseTo(0.85, 6);
    expect(frustration.words.slice(1).map((w) => w.weight)).toEqual([0, 0, 0]);
    const churn = attribution.labels[1]!;
    expect(churn.words[0]!.word).toBe('leaving,');
    expect(churn.words[0]!.weight).toBeCloseTo(0.8, 6);
    // The text and its four variants were scored in one inference run.
    expect(server.classifier.batches).toContainEqual([text, ' and leaving, hello', 'angry  leaving, hello', 'angry and  hello', 'angry and leaving, ']);
  });

  it('attributes only escalated texts, and only when explain is true', async () => {
    const body = await classify({ texts: ['hello there', 'so angry today'], explain: true });
    expect(body.results[0].explanation.attribution).toBeUndefined();
    expect(body.results[1].explanation.attribution.labels.map((l: { label: string }) => l.label)).toEqual(['frustration']);
    const plain = await classify({ text: 'so angry today' });
    expect(plain.explanation).toBeUndefined();
  });

  it('gives weights to the first serving.explain.maxWords words only', async () => {
    const body = await classify({ text: 'one two three four five six seven angry', explain: true });
    const attribution = body.explanation.attribution as Attribution;
    expect(attribution).toMatchObject({ wordsRead: 8, wordsConsidered: 6 });
    expect(attribution.labels[0]!.words.map((w) => w.weight)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('explains a batch of escalated texts without filling the inference queue', async () => {
    // Eight escalated texts of 7 texts each (the text and 6 variants) would be 56 queued at once; the queue holds 20.
    const small = await startTestServer({ maxBatch: 8, batching: { maxBatch: 16, maxWaitMs: 2, queueLimit: 20 }, explain: { maxWords: 6 } }, { listen: false });
    try {
      const texts = Array.from({ length: 8 }, (_, i) => `angry about order ${i} that is late again`);
      const res = await small.app.inject({ method: 'POST', url: '/v1/classify', payload: { texts, explain: true } });
      expect(res.statusCode).toBe(200);
      for (const r of res.json().results) expect(r.explanation.attribution.wordsConsidered).toBe(6);
    } finally {
      await small.close();
    }
  });

  it('describes the attribution in the OpenAPI document', async () => {
    const spec = (await server.app.inject({ url: '/openapi.json' })).json();
    const schema = JSON.stringify(spec.paths['/v1/classify'].post.responses['200']);
    expect(schema).toContain('"attribution"');
    expect(schema).toContain('p(text) − p(text without this word)');
  });
});
