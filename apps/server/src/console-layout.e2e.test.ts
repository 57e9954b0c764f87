/// <reference lib="dom" />
// DOM types for the callbacks of page.evaluate, which run in the browser.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeCalibrationCurvesFile, type CalibrationCurvesFile } from '@mangaassist/model-format';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, describeWithChromium } from './__tests__/helpers/console-browser';
import { ADMIN_TOKEN, AS_AGENT, startTestServer, type TestServer } from './__tests__/helpers/test-server';

/**
 * Where the full-page screenshots go: `CONSOLE_SCREENSHOT_DIR` (the README's pictures are made with
 * `CONSOLE_SCREENSHOT_DIR=docs/results npx jest apps/server/src/console-layout.e2e.test.ts`), else a temporary folder.
 */
const SHOTS = process.env.CONSOLE_SCREENSHOT_DIR ? resolve(__dirname, '..', '..', '..', process.env.CONSOLE_SCREENSHOT_DIR) : mkdtempSync(join(tmpdir(), 'console-shots-'));

/** A plausible curve: precision rises and recall and the flagged share fall as the threshold rises. */
function curves(): CalibrationCurvesFile {
  const points = Array.from({ length: 99 }, (_, i) => {
    const t = Math.round((i + 1) * 0.01 * 1e9) / 1e9;
    return { threshold: t, precision: 0.35 + 0.6 * t ** 0.7, recall: 1 - t ** 1.5, positiveRate: 0.45 * (1 - t) ** 1.3 };
  });
  return { version: 1, createdAt: '2026-12-05T00:00:00Z', split: { source: 'calibration.jsonl', examples: 400 }, labels: { frustration: { beta: 2, points }, churn_risk: { beta: 2, points } } };
}

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'tablet', width: 820, height: 1180 },
] as const;

describeWithChromium('console layout at desktop and tablet widths', () => {
  let server: TestServer;
  let modelDir: string;
  let browser: Browser;

  beforeAll(async () => {
    modelDir = mkdtempSync(join(tmpdir(), 'console-layout-model-'));
    writeCalibrationCurvesFile(modelDir, curves());
    server = await startTestServer({ modelDir });
    // Some traffic, so every panel has something to show.
    const texts = ['angry and leaving', 'angry', 'hello there', 'I am leaving for good', 'maybe I should cancel', 'late again', 'thanks, great service'];
    for (let i = 0; i < 6; i++) await server.inject({ method: 'POST', url: '/v1/classify', payload: { texts: texts.slice(0, 3 + (i % 5)) } });
    const { escalationId } = (await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'angry' } })).json();
    await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct: false } });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] });
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (modelDir) rmSync(modelDir, { recursive: true, force: true });
    if (!process.env.CONSOLE_SCREENSHOT_DIR) rmSync(SHOTS, { recursive: true, force: true });
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${server.url}/dashboard`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.fill('#author', 'operator');
    await page.click('#connect');
    await page.locator('#live-chart canvas').waitFor();
    await page.locator('#what-if-table tr.effective').waitFor();
    await page.fill('#what-if-threshold', '0.3');
    await page.locator('#what-if-table tr.proposed').waitFor();
    await page.click('#load-feedback');
    await page.waitForFunction(() => /frustration/.test(document.querySelector('#feedback tbody')?.textContent ?? ''));
  }

  it.each(VIEWPORTS)('is readable at $name width ($width×$height): no sideways scrolling, every control reachable', async ({ name, width, height }) => {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await signIn(page);
      // The page never scrolls sideways (wide tables scroll inside their own section).
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // The live chart fits its section.
      const chart = await page.locator('#live-chart').boundingBox();
      expect(chart!.x + chart!.width).toBeLessThanOrEqual(width);
      // Every visible control has a name a screen reader can read, and can be reached with Tab.
      const unnamed = await page.evaluate(() =>
        Array.from(document.querySelectorAll('input, select, textarea, button'))
          .filter((el) => (el as HTMLElement).offsetParent !== null)
          .filter((el) => !(el.closest('label') || el.textContent?.trim() || el.getAttribute('aria-label') || (el.id && document.querySelector(`label[for="${el.id}"]`))))
          .map((el) => el.id || el.outerHTML.slice(0, 60)),
      );
      expect(unnamed).toEqual([]);
      expect(await page.evaluate(() => Array.from(document.querySelectorAll('input, select, button')).filter((el) => (el as HTMLElement).tabIndex < 0).length)).toBe(0);
      await page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
