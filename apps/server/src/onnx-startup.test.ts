import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
