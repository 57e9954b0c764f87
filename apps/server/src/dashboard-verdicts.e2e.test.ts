/// <reference lib="dom" />
// DOM types for the callbacks of page.waitForFunction, which run in the browser.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from './__tests__/helpers/test-server';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const describeIfChromium = available ? describe : describe.skip;
if (!available) console.warn(`dashboard verdicts e2e skipped: ${CHROMIUM} is absent (Debian package "chromium", installed by .ci/run)`);

const AIKO_TOKEN = 'aiko-operator-token-0123456789';
const KEN_TOKEN = 'ken-agent-token-0123456789';
// Customer text that would run script if it were ever parsed as markup.
const HOSTILE_IMG = 'angry <img src=x onerror="window.__pwned=1">';
const HOSTILE_SCRIPT = 'late again </script><script>window.__pwned=2</script>';

describeIfChromium(`console verdicts panel in headless Chromium (${CHROMIUM})`, () => {
  let server: TestServer;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      admin: { operators: [{ name: 'aiko', token: AIKO_TOKEN }], authFailures: { maxFailures: 1000 } },
      feedback: { agents: [{ name: 'ken', token: KEN_TOKEN }] },
    });
    profile = mkdtempSync(join(tmpdir(), 'mangaassist-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    await context.route('**/*', (route) => (route.request().url().startsWith(`${server.url}/`) ? route.continue() : route.abort()));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.close();
  });

  const reportRow = async () => {
    await page.click('#load-feedback');
    await page.waitForFunction(() => /frustration/.test(document.querySelector('#feedback tbody')?.textContent ?? ''));
    return page.locator('#feedback tbody tr').filter({ hasText: 'frustration' }).first().locator('td').allTextContents();
  };

  it('lists escalations with hostile text inert, and a verdict given on the page changes the feedback report', async () => {
    const classified = await server.inject({ method: 'POST', url: '/v1/classify', payload: { texts: [HOSTILE_IMG, HOSTILE_SCRIPT], explain: true } });
    const [imgId, scriptId] = classified.json().results.map((r: { escalationId: string }) => r.escalationId);
    expect(imgId && scriptId).toBeTruthy();

    await page.goto(`${server.url}/dashboard`);
    await page.fill('#token', AIKO_TOKEN);
    await page.fill('#author', 'aiko');
    await page.click('#connect');
    const imgRow = page.locator(`#verdicts tr[data-escalation-id="${imgId}"]`);
    await imgRow.waitFor();
    expect(await page.textContent('#verdicts-note')).toBe('Signed in as aiko.');
    // The text is shown exactly as sent, as text: no element was made from it and nothing ran.
    expect(await imgRow.locator('td.message').textContent()).toBe(HOSTILE_IMG);
    expect(await page.locator(`#verdicts tr[data-escalation-id="${scriptId}"] td.message`).textContent()).toBe(HOSTILE_SCRIPT);
    expect(await page.locator('#verdicts img, #verdicts script').count()).toBe(0);
    // Attributions of explain: the words behind the escalation.
    expect(await imgRow.locator('td').nth(3).textContent()).toMatch(/frustration: angry \+/);

    await page.click('#load-feedback');
    await page.waitForFunction(() => document.querySelector('#feedback tbody')?.textContent === 'No feedback yet.');

    await imgRow.locator('button', { hasText: 'Wrong' }).click();
    await page.waitForFunction((id) => document.querySelector(`#verdicts tr[data-escalation-id="${id}"] td.verdict`)?.textContent === 'wrong', imgId);
    let cells = await reportRow();
    expect(cells.slice(1, 3)).toEqual(['1', '1 (100.0%)']);

    // A second verdict replaces the first: still one verdict, no longer a false alarm.
    await page.locator(`#verdicts tr[data-escalation-id="${imgId}"] button`, { hasText: 'Right' }).click();
    await page.waitForFunction((id) => document.querySelector(`#verdicts tr[data-escalation-id="${id}"] td.verdict`)?.textContent === 'right', imgId);
    cells = await reportRow();
    expect(cells.slice(1, 3)).toEqual(['1', '0 (0.0%)']);
    expect(await server.feedback.readAll()).toEqual([expect.objectContaining({ agent: 'aiko', correct: true })]);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('signs an agent in with only an agent token: the verdicts panel, none of the operator panels', async () => {
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${server.url}/dashboard`);
    await page.fill('#token', KEN_TOKEN);
    await page.fill('#author', 'ken');
    await page.click('#connect');
    await page.waitForFunction(() => document.querySelector('#verdicts-note')?.textContent === 'Signed in as ken.');
    expect(await page.isVisible('#verdicts-section')).toBe(true);
    for (const panel of ['#thresholds-section', '#audit-section', '#feedback-section', '#churn-phrases-section']) expect(await page.isHidden(panel)).toBe(true);
    // The operator panels' refusals (403) are expected, not an error to show.
    expect(await page.isHidden('#message')).toBe(true);
    expect(await page.locator('#verdicts tbody tr').count()).toBeGreaterThan(0);
  }, 60_000);
});
