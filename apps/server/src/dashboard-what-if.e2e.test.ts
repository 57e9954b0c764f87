/// <reference lib="dom" />
// DOM types for the callbacks of page.waitForFunction, which run in the browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCalibrationCurvesFile, type CalibrationCurvesFile } from '@mangaassist/model-format';
import type { Page } from 'playwright-core';
import { describeWithChromium, openConsoleBrowser, type ConsoleBrowser } from './__tests__/helpers/console-browser';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './__tests__/helpers/test-server';

// A calibration split whose source name would run script if it were parsed as markup.
const HOSTILE_SOURCE = 'val <img src=x onerror="window.__pwned=1">.jsonl';

/** Curves every 0.01 on a split of 200 messages: precision rises and recall falls with the threshold. */
function curves(): CalibrationCurvesFile {
  const points = Array.from({ length: 99 }, (_, i) => {
    const threshold = Math.round((i + 1) * 0.01 * 1e9) / 1e9;
    return { threshold, precision: 0.3 + 0.6 * threshold, recall: 1 - 0.8 * threshold, positiveRate: 0.6 * (1 - threshold) };
  });
  return { version: 1, createdAt: '2026-12-05T00:00:00Z', split: { source: HOSTILE_SOURCE, examples: 200 }, labels: { frustration: { beta: 2, points }, churn_risk: { beta: 2, points } } };
}

describeWithChromium('console what-if panel', () => {
  let server: TestServer;
  let modelDir: string;
  let browser: ConsoleBrowser;
  let page: Page;
  let pageErrors: string[] = [];
  const file = curves();

  beforeAll(async () => {
    modelDir = mkdtempSync(join(tmpdir(), 'what-if-model-'));
    writeCalibrationCurvesFile(modelDir, file);
    server = await startTestServer({ modelDir });
    browser = await openConsoleBrowser(server.url);
    ({ page, pageErrors } = browser);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(modelDir, { recursive: true, force: true });
  });

  const cells = (row: string) => page.locator(`#what-if-table tr.${row} td`).allTextContents();

  it('shows, for a typed threshold, the precision, recall, flagged share and volume change of the calibration data', async () => {
    const thresholdReads: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/admin/api/thresholds') thresholdReads.push(request.url());
    });
    await page.goto(`${server.url}/dashboard`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.fill('#author', 'e2e-operator');
    await page.click('#connect');
    await page.locator('#what-if-table tr.effective').waitFor();
    // One sign-in reads the thresholds once, though three panels (thresholds, what-if, churn phrases) show them.
    expect(thresholdReads).toHaveLength(1);
    expect(await page.locator('#what-if-label option').allTextContents()).toEqual(['frustration', 'churn_risk']);
    // The test server recommends 0.5 for frustration: effective = recommended = 0.5.
    const at = (t: number) => file.labels.frustration!.points.find((p) => Math.abs(p.threshold - t) < 1e-9)!;
    expect(await cells('effective')).toEqual(['effective', '0.500', at(0.5).precision.toFixed(3), at(0.5).recall.toFixed(3), `${(100 * at(0.5).positiveRate).toFixed(1)}%`, 'now']);

    await page.fill('#what-if-threshold', '0.3');
    await page.locator('#what-if-table tr.proposed').waitFor();
    const volume = Math.round(100 * (at(0.3).positiveRate / at(0.5).positiveRate - 1));
    expect(await cells('proposed')).toEqual(['proposed', '0.300', at(0.3).precision.toFixed(3), at(0.3).recall.toFixed(3), `${(100 * at(0.3).positiveRate).toFixed(1)}%`, `+${volume}%`]);
    expect(await page.locator('#what-if-plot line[data-mark="proposed"]').count()).toBe(1);
    expect(await page.locator('#what-if-plot polyline').count()).toBe(3);

    // Between two measured points the nearer one is read, and the table says so.
    await page.fill('#what-if-threshold', '0.553');
    await page.waitForFunction(() => /read at 0\.550/.test(document.querySelector('#what-if-table tr.proposed td.value')?.textContent ?? ''));

    // Nothing was applied: the store still holds no override.
    expect((await server.store.list('keyword-test-v1')).find((r) => r.label === 'frustration')?.override).toBeNull();
  }, 60_000);

  it('renders the split name inert', async () => {
    expect(await page.textContent('#what-if-note')).toContain(HOSTILE_SOURCE);
    expect(await page.locator('#what-if-section img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
