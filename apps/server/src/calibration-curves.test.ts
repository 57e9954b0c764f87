import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALIBRATION_CURVES_FILE } from '@mangaassist/model-format';
import { ADMIN_TOKEN, AS_AGENT, startTestServer } from './__tests__/helpers/test-server';

const AS_ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('GET /admin/api/calibration-curves', () => {
  const dirs: string[] = [];
  const modelDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'curves-model-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('says the curves are unavailable for a model without calibration-curves.json, to operators only', async () => {
    const server = await startTestServer({ modelDir: modelDir() });
    try {
      expect((await server.inject({ url: '/admin/api/calibration-curves' })).statusCode).toBe(401);
      expect((await server.inject({ url: '/admin/api/calibration-curves', headers: AS_AGENT })).statusCode).toBe(403);
      const res = await server.inject({ url: '/admin/api/calibration-curves', headers: AS_ADMIN });
      expect(res.json()).toEqual({ modelId: 'keyword-test-v1', available: false, createdAt: null, split: null, labels: {} });
    } finally {
      await server.close();
    }
  });

  it('serves the file shipped with the model', async () => {
    const dir = modelDir();
    const points = [{ threshold: 0.4, precision: 0.7, recall: 0.9, positiveRate: 0.3 }];
    const file = { version: 1, createdAt: '2026-12-05T00:00:00Z', split: { source: 'val.jsonl', examples: 50 }, labels: { urgency: { beta: 2, points } } };
    writeFileSync(join(dir, CALIBRATION_CURVES_FILE), JSON.stringify(file));
    const server = await startTestServer({ modelDir: dir });
    try {
      const res = await server.inject({ url: '/admin/api/calibration-curves', headers: AS_ADMIN });
      expect(res.json()).toEqual({ modelId: 'keyword-test-v1', available: true, createdAt: file.createdAt, split: file.split, labels: file.labels });
    } finally {
      await server.close();
    }
  });

  it('refuses to start with a file that names a label the model does not have', async () => {
    const dir = modelDir();
    const file = { version: 1, createdAt: 'x', split: { source: 'v', examples: 1 }, labels: { anger: { beta: 1, points: [{ threshold: 0.5, precision: 1, recall: 1, positiveRate: 0.1 }] } } };
    writeFileSync(join(dir, CALIBRATION_CURVES_FILE), JSON.stringify(file));
    await expect(startTestServer({ modelDir: dir })).rejects.toThrow(/calibration-curves\.json: "labels\.anger": unknown label/);
  });
});
