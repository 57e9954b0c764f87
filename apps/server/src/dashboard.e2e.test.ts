/// <reference lib="dom" />
// DOM types for the callbacks of page.waitForFunction, which run in the browser.
import type { Page } from 'playwright-core';
import { describeWithChromium, openConsoleBrowser, type ConsoleBrowser } from './__tests__/helpers/console-browser';
import { ADMIN_TOKEN, AS_AGENT, startTestServer, type TestServer } from './__tests__/helpers/test-server';

describeWithChromium('dashboard end to end', () => {
  let server: TestServer;
  let browser: ConsoleBrowser;
  let page: Page;
  let foreignRequests: string[] = [];
  let pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await openConsoleBrowser(server.url, { ignoreConsole: /status of 401/ });
    ({ page, pageErrors, foreignRequests } = browser);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const row = (label: string) => page.locator(`#thresholds tr[data-label="${label}"]`);

  it('refuses a wrong token with a visible message', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.fill('#token', 'not-the-right-token-at-all');
    await page.fill('#author', 'e2e-operator');
    await page.click('#connect');
    await page.locator('#message.error').waitFor();
    expect(await page.textContent('#message')).toMatch(/401/);
    expect(await page.isHidden('#thresholds-section')).toBe(true);
  }, 30_000);

  it('shows effective thresholds with their layers', async () => {
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('#connect');
    await row('neutral').waitFor();
    expect(await page.locator('#thresholds tbody tr').count()).toBe(6);
    expect(await row('frustration').locator('.recommended').textContent()).toBe('0.500');
    expect(await row('frustration').locator('.effective').textContent()).toBe('0.500');
    expect(await row('urgency').locator('.effective').textContent()).toBe('0.500 (default)');
    expect(await page.textContent('#model')).toMatch(/keyword-test-v1/);
  }, 30_000);

  it('sets an override with a reason: table, audit trail and decisions follow', async () => {
    const r = row('frustration');
    await r.locator('input.value').fill('0.42');
    await r.locator('input.reason').fill('too many misses');
    await r.locator('button.set').click();
    await page.locator('#message.ok').waitFor();
    await page.waitForFunction(() => document.querySelector('#thresholds tr[data-label="frustration"] .override')?.textContent === '0.420');
    expect(await row('frustration').locator('.effective').textContent()).toBe('0.420');
    expect(await row('frustration').locator('.why').textContent()).toBe('e2e-operator: too many misses');
    const audit = await page.locator('#audit tbody tr').first().locator('td').allTextContents();
    expect(audit.slice(1)).toEqual(['frustration', 'override', '—', '0.420', 'e2e-operator', 'too many misses']);
    // The service decides with the new threshold: "meh" scores 0.45.
    const res = await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } });
    expect(res.json().rule).toBe('frustration');
  }, 30_000);

  it('refuses an out-of-range value without calling the API', async () => {
    const auditBefore = await page.locator('#audit tbody tr').count();
    const r = row('churn_risk');
    await r.locator('input.value').fill('1.5');
    await r.locator('input.reason').fill('typo');
    await r.locator('button.set').click();
    await page.waitForFunction(() => /between 0 and 1/.test(document.querySelector('#message')?.textContent ?? ''));
    expect(await page.locator('#audit tbody tr').count()).toBe(auditBefore);
  }, 30_000);

  it('clears the override with a reason', async () => {
    const r = row('frustration');
    await r.locator('input.reason').fill('back to calibrated');
    await r.locator('button.clear').click();
    await page.waitForFunction(() => document.querySelector('#thresholds tr[data-label="frustration"] .override')?.textContent === '—');
    expect(await row('frustration').locator('.effective').textContent()).toBe('0.500');
    expect(await page.locator('#audit tbody tr').first().locator('td').nth(6).textContent()).toBe('back to calibrated');
    expect((await server.store.list('keyword-test-v1')).find((x) => x.label === 'frustration')?.override).toBeNull();
  }, 30_000);

  it('loads the feedback report, talks only to the server, and logs no page errors', async () => {
    await page.click('#load-feedback');
    await page.waitForFunction(() => document.querySelector('#feedback tbody')?.textContent === 'No feedback yet.');
    const { escalationId } = (await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'late' } })).json();
    await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct: false } });
    await page.click('#load-feedback');
    await page.waitForFunction(() => /frustration/.test(document.querySelector('#feedback tbody')?.textContent ?? ''));
    const cells = await page.locator('#feedback tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(0, 6)).toEqual(['frustration', '1', '1 (100.0%)', '0.500', '—', 'insufficient-data']);
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
