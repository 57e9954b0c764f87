/// <reference lib="dom" />
// DOM types for the callbacks of page.waitForFunction, which run in the browser.
import type { Page } from 'playwright-core';
import { describeWithChromium, openConsoleBrowser, type ConsoleBrowser } from './__tests__/helpers/console-browser';
import { startTestServer, type TestServer } from './__tests__/helpers/test-server';

const AIKO_TOKEN = 'aiko-operator-token-0123456789';
const KEN_TOKEN = 'ken-agent-token-0123456789';
// Customer text that would run script if it were ever parsed as markup.
const HOSTILE_IMG = 'angry <img src=x onerror="window.__pwned=1">';
const HOSTILE_SCRIPT = 'late again </script><script>window.__pwned=2</script>';

describeWithChromium('console verdicts panel', () => {
  let server: TestServer;
  let browser: ConsoleBrowser;
  let page: Page;
  let pageErrors: string[] = [];
  let dialogs: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      admin: { operators: [{ name: 'aiko', token: AIKO_TOKEN }], authFailures: { maxFailures: 1000 } },
      feedback: { agents: [{ name: 'ken', token: KEN_TOKEN }] },
    });
    browser = await openConsoleBrowser(server.url);
    ({ page, pageErrors, dialogs } = browser);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
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
    expect([imgId, scriptId]).toEqual([expect.any(String), expect.any(String)]);

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
