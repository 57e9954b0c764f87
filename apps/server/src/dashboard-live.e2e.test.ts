/// <reference lib="dom" />
// DOM types for the callbacks of page.waitForFunction, which run in the browser.
import type { Page } from 'playwright-core';
import { describeWithChromium, openConsoleBrowser, type ConsoleBrowser } from './__tests__/helpers/console-browser';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './__tests__/helpers/test-server';

describeWithChromium('console live view', () => {
  let server: TestServer;
  let browser: ConsoleBrowser;
  let page: Page;
  let foreignRequests: string[] = [];
  let pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await openConsoleBrowser(server.url, { viewport: { width: 1280, height: 800 } });
    ({ page, pageErrors, foreignRequests } = browser);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the live counters and the chart from the npm package after sign-in', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.fill('#author', 'e2e-operator');
    await page.click('#connect');
    await page.locator('#live-section').waitFor();
    await page.locator('#live-chart canvas').waitFor();
    expect(await page.textContent('#live-escalations')).toBe('none');
    expect(await page.textContent('#live-texts')).toBe('0');
  }, 30_000);

  it('updates the counters without a reload after classify calls', async () => {
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    await server.inject({ method: 'POST', url: '/v1/classify', payload: { texts: ['angry and leaving', 'angry', 'hello there'] } });
    await page.waitForFunction(() => document.querySelector('#live-texts')?.textContent === '3', undefined, { timeout: 15_000 });
    expect(await page.textContent('#live-escalations')).toBe('frustration 2, churn_risk 1');
    expect(await page.textContent('#live-priorities')).toMatch(/high 1/);
    expect(await page.textContent('#live-priorities')).toMatch(/normal 1/);
    expect(await page.textContent('#live-mix')).toMatch(/frustration 66\.7 %/);
    expect(await page.textContent('#live-latency')).toMatch(/ms \/ .* ms$/);
    expect(navigations).toEqual([]);
  }, 30_000);

  it('changes the window from the keyboard', async () => {
    await page.focus('#live-window');
    await page.keyboard.press('ArrowDown'); // last hour → last 3 hours
    await page.waitForFunction(() => (document.querySelector('#live-window') as HTMLSelectElement).value === '180');
    await page.waitForFunction(() => /Updated/.test(document.querySelector('#live-updated')?.textContent ?? ''));
    expect(await page.textContent('#live-texts')).toBe('3');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('live-refresh');
  }, 30_000);

  it('stops polling once the token is refused, so it cannot lock the address out', async () => {
    const calls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/admin/api/live')) calls.push(request.url());
    });
    // The token in memory is replaced by a wrong one, as after a rotation.
    // (A string, so the test's module transform leaves the browser's dynamic import alone.)
    await page.evaluate("import('/dashboard/console/api.js').then((m) => { m.session.token = 'a-rotated-token-nobody-has'; })");
    await page.click('#live-refresh');
    await page.waitForFunction(() => /Not updated: 401/.test(document.querySelector('#live-updated')?.textContent ?? ''));
    const after = calls.length;
    await page.waitForTimeout(6_000); // longer than one polling period
    expect(calls.length).toBe(after);
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !/status of 401/.test(e)));
  }, 30_000);

  it('every live control has a label, and the page talked only to the server without errors', async () => {
    const unlabeled = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#live-section select, #live-section input, #live-section button'))
        .filter((el) => !(el.closest('label') || el.textContent?.trim() || el.getAttribute('aria-label')))
        .map((el) => el.id),
    );
    expect(unlabeled).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
