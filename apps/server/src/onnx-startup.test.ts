import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseConfig, serverConfigSchema } from '@mangaassist/common';
import { MemoryFeedbackLog } from '@mangaassist/serving';
import pino from 'pino';
import { HttpClient } from './__tests__/helpers/http-client';
import { MemoryThresholdStore } from './__tests__/helpers/memory-threshold-store';
import { startServer } from './start-server';

// The tiny exported classifier (random weights) that the serving package keeps in sync with the exporter.
const FIXTURE = join(dirname(require.resolve('@mangaassist/serving/package.json')), 'src', 'onnx', '__fixtures__', 'tiny-export');
const silent = pino({ level: 'silent' });
const work = mkdtempSync(join(tmpdir(), 'server-onnx-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const configFor = (modelDir: string, serving: Record<string, unknown> = {}) =>
  parseConfig(serverConfigSchema, { serving: { host: '127.0.0.1', port: 0, modelDir, intraOpNumThreads: 1, ...serving } });

async function startupError(modelDir: string): Promise<{ code?: string; message: string }> {
  try {
    const server = await startServer(configFor(modelDir), { store: new MemoryThresholdStore(), logger: silent, listen: false });
    await server.close();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('startServer should have failed');
}

describe('startup with the ONNX classifier', () => {
  it('has its fixture', () => {
    expect(existsSync(join(FIXTURE, 'onnx', 'model.onnx'))).toBe(true);
  });

  it('fails on a corrupt ONNX file, naming the file', async () => {
    const dir = join(work, 'corrupt');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = join(dir, 'onnx', 'model.onnx');
    writeFileSync(file, Buffer.from('this is not a protobuf model, just bytes'.repeat(10)));
    const error = await startupError(dir);
    expect(error.code).toBe('CHECKPOINT_INVALID');
    expect(error.message).toContain(file);
  });

  it('fails on a missing model directory, naming the file it looked for', async () => {
    const dir = join(work, 'absent');
    const error = await startupError(dir);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(join(dir, 'config.json'));
  });

  it('serves the real model end to end', async () => {
    const store = new MemoryThresholdStore();
    await store.setRecommended('manga-tiny', { frustration: 0.5, churn_risk: 0.5 }, { author: 'test', reason: 'seed' });
    const server = await startServer(configFor(FIXTURE, { modelId: 'manga-tiny' }), { store, feedback: new MemoryFeedbackLog(), logger: silent });
    const client = new HttpClient(server.url);
    try {
      const res = await client.send({ method: 'POST', url: '/v1/classify', payload: { texts: ['Where is my order?', 'I want to cancel, never again!'], explain: true } });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.modelId).toBe('manga-tiny');
      expect(body.results).toHaveLength(2);
      for (const result of body.results) {
        expect(Object.keys(result.probabilities)).toEqual(['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral']);
        for (const p of Object.values(result.probabilities) as number[]) expect(p > 0 && p < 1).toBe(true);
      }
      expect(body.results[1].explanation.churnPhrases.map((m: { phrase: string }) => m.phrase)).toEqual(['cancel', 'never again']);
      // The churn phrase escalates the second text: its attribution comes from the ONNX workers, word by word.
      const text = 'I want to cancel, never again!';
      const { attribution } = body.results[1].explanation;
      expect(attribution.wordsConsidered).toBe(6);
      expect(attribution.labels.map((l: { label: string }) => l.label)).toEqual(body.results[1].active);
      const [first] = attribution.labels;
      const cancel = first.words.find((w: { word: string }) => w.word === 'cancel,');
      expect(cancel.tokens).toEqual(['cancel', ',']);
      // The weight is what deleting the word does to the model's probability (batch padding moves it by float noise only).
      const without = (await client.send({ method: 'POST', url: '/v1/classify', payload: { text: 'I want to  never again!' } })).json();
      expect(first.probability).toBeCloseTo(body.results[1].probabilities[first.label], 5);
      expect(cancel.weight).toBeCloseTo(first.probability - without.probabilities[first.label], 5);
      expect(text.slice(cancel.start, cancel.end)).toBe('cancel,');
      expect((await client.send({ url: '/readyz' })).json().status).toBe('ready');
    } finally {
      await server.close();
      await client.close();
    }
  });

  describe('threshold sources: the store, else the model\'s thresholds.json, else the configured default', () => {
    const LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'];
    // The fixture's calibrated thresholds.json: 0.30, 0.35, … 0.55 in label order.
    const shipped = JSON.parse(readFileSync(join(FIXTURE, 'thresholds.json'), 'utf8')).thresholds as Record<string, number>;

    async function sourcesOf(modelDir: string, store: MemoryThresholdStore, serving: Record<string, unknown> = {}) {
      const server = await startServer(configFor(modelDir, { workers: 0, ...serving }), { store, feedback: new MemoryFeedbackLog(), logger: silent, listen: false });
      try {
        const classify = await server.app.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'I want to cancel', explain: true } });
        const ready = await server.app.inject({ url: '/readyz' });
        return { modelId: classify.json().modelId, signals: classify.json().explanation.signals, readiness: ready.json() };
      } finally {
        await server.close();
      }
    }

    it('uses the model\'s thresholds.json for labels the store has no entry for, and says so', async () => {
      const store = new MemoryThresholdStore();
      await store.setRecommended('some-other-model', { frustration: 0.11 }, { author: 'test', reason: 'not this model' });
      await store.setOverride('tiny-export', 'churn_risk', 0.2, { author: 'ops', reason: 'outage' });
      const { modelId, signals, readiness } = await sourcesOf(FIXTURE, store);
      expect(modelId).toBe('tiny-export'); // from config.json, not from serving.modelId
      const expected = LABELS.map((label) =>
        label === 'churn_risk' ? { label, threshold: 0.2, source: 'store' } : { label, threshold: shipped[label], source: 'model' },
      );
      expect(signals.map((s: { label: string; threshold: number; thresholdSource: string }) => ({ label: s.label, threshold: s.threshold, source: s.thresholdSource }))).toEqual(expected);
      expect(readiness.thresholds).toEqual(expected);
    });

    it('uses the configured default, saying so, when the model has no thresholds.json', async () => {
      const dir = join(work, 'no-thresholds');
      cpSync(FIXTURE, dir, { recursive: true });
      rmSync(join(dir, 'thresholds.json'));
      const { signals, readiness } = await sourcesOf(dir, new MemoryThresholdStore(), { defaultThreshold: 0.62 });
      const expected = LABELS.map((label) => ({ label, threshold: 0.62, source: 'default' }));
      expect(signals.map((s: { label: string; threshold: number; thresholdSource: string }) => ({ label: s.label, threshold: s.threshold, source: s.thresholdSource }))).toEqual(expected);
      expect(readiness.thresholds).toEqual(expected);
    });

    it('warns at startup which labels run on the configured default, and is quiet when none does', async () => {
      const lines: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
      const dir = join(work, 'partly-calibrated');
      cpSync(FIXTURE, dir, { recursive: true });
      writeFileSync(join(dir, 'thresholds.json'), JSON.stringify({ version: 1, strategy: 'fbeta-sweep', createdAt: 'x', thresholds: { frustration: 0.3, churn_risk: 0.3 } }));
      const store = new MemoryThresholdStore();
      await store.setRecommended('tiny-export', { neutral: 0.6 }, { author: 'test', reason: 'seed' });
      let server = await startServer(configFor(dir, { workers: 0 }), { store, feedback: new MemoryFeedbackLog(), logger, listen: false });
      await server.close();
      const warnings = lines.map((l) => JSON.parse(l)).filter((l) => /serving\.defaultThreshold/.test(l.msg));
      expect(warnings).toEqual([expect.objectContaining({ modelId: 'tiny-export', labels: ['satisfaction', 'urgency', 'confusion'], defaultThreshold: 0.5 })]);
      lines.length = 0;
      server = await startServer(configFor(FIXTURE, { workers: 0 }), { store, feedback: new MemoryFeedbackLog(), logger, listen: false });
      await server.close();
      expect(lines.filter((l) => l.includes('defaultThreshold'))).toEqual([]);
    });

    it('treats the exporter\'s uncalibrated placeholder (strategy default) as no thresholds.json', async () => {
      const dir = join(work, 'placeholder-thresholds');
      cpSync(FIXTURE, dir, { recursive: true });
      const placeholder = { version: 1, strategy: 'default', createdAt: '2026-01-01T00:00:00.000Z', thresholds: Object.fromEntries(LABELS.map((l) => [l, 0.5])) };
      writeFileSync(join(dir, 'thresholds.json'), JSON.stringify(placeholder));
      const { readiness } = await sourcesOf(dir, new MemoryThresholdStore(), { defaultThreshold: 0.45 });
      expect(readiness.thresholds).toEqual(LABELS.map((label) => ({ label, threshold: 0.45, source: 'default' })));
    });

    it('keys thresholds by the id in config.json, whatever the directory is called', async () => {
      const dir = join(work, 'renamed-copy');
      cpSync(FIXTURE, dir, { recursive: true });
      const store = new MemoryThresholdStore();
      await store.setOverride('tiny-export', 'frustration', 0.25, { author: 'ops', reason: 'test' });
      const { modelId, readiness } = await sourcesOf(dir, store);
      expect(modelId).toBe('tiny-export');
      expect(readiness.model.id).toBe('tiny-export');
      expect(readiness.thresholds[0]).toEqual({ label: 'frustration', threshold: 0.25, source: 'store' });
    });

    it('refuses to start when neither config.json nor serving.modelId names the model', async () => {
      const dir = join(work, 'no-id');
      cpSync(FIXTURE, dir, { recursive: true });
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      delete config.mangaassist_model_id;
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      const error = await startupError(dir);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain(join(dir, 'config.json'));
      expect(error.message).toMatch(/"mangaassist_model_id".*serving\.modelId/);
    });

    it('fails naming the field when thresholds.json names a label the model does not have', async () => {
      const dir = join(work, 'foreign-thresholds');
      cpSync(FIXTURE, dir, { recursive: true });
      writeFileSync(join(dir, 'thresholds.json'), JSON.stringify({ version: 1, strategy: 'fbeta-sweep', createdAt: 'x', thresholds: { anger: 0.3 } }));
      const error = await startupError(dir);
      expect(error.code).toBe('DATA_INVALID');
      expect(error.message).toContain('"thresholds.anger": unknown label');
    });
  });
});
