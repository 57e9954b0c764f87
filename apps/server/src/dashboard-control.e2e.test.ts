/// <reference lib="dom" />
// The console's operations controls in headless Chromium: a temporary override that reverts by itself, the churn
// phrase list edited on the page and used by classification at once, and hostile text in every field they add.
import { EXPIRY_AUTHOR } from '@mangaassist/thresholds';
import type { Page } from 'playwright-core';
import { describeWithChromium, openConsoleBrowser, type ConsoleBrowser } from './__tests__/helpers/console-browser';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './__tests__/helpers/test-server';

// Would run if any of it were ever parsed as markup or script.
const HOSTILE = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>';

describeWithChromium('console operations controls', () => {
  let server: TestServer;
  let browser: ConsoleBrowser;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { thresholds: { overrideExpiryCheckMs: 50 } });
    browser = await openConsoleBrowser(server.url, { ignoreConsole: /status of 400/ });
    ({ page, pageErrors } = browser);
    await page.goto(`${server.url}/dashboard`);
    await page.fill('#token', ADMIN_TOKEN);
    // The name typed in is an audit author: hostile markup must come back as text.
    await page.fill('#author', HOSTILE);
    await page.click('#connect');
    await page.locator('#thresholds tr[data-label="frustration"]').waitFor();
    await page.locator('#churn-phrases-section').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const row = (label: string) => page.locator(`#thresholds tr[data-label="${label}"]`);
  const inert = async () => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);
  };

  it('sets a temporary override for a chosen time, shows the time left, and both the set and the revert reach the audit', async () => {
    const r = row('frustration');
    await r.locator('input.value').fill('0.42');
    // 0.0008 h ≈ 3 s.
    await r.locator('input.hours').fill('0.0008');
    await r.locator('input.reason').fill(HOSTILE);
    await r.locator('button.set').click();
    await page.waitForFunction(() => document.querySelector('#thresholds tr[data-label="frustration"] .override')?.textContent === '0.420');
    expect(await r.locator('.expires').textContent()).toMatch(/^in \d s \(/);
    expect(await r.locator('.why').textContent()).toBe(`${HOSTILE}: ${HOSTILE}`);
    const set = await page.locator('#audit tbody tr').first().locator('td').allTextContents();
    expect(set.slice(1, 6)).toEqual(['frustration', 'override', '—', '0.420', HOSTILE]);
    expect(set[6]).toMatch(new RegExp(`^${HOSTILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(temporary, until .+\\)$`));
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } })).json().rule).toBe('frustration');

    // The server reverts it by itself, and the page refreshes itself once the time is up: no click.
    await page.waitForFunction(
      (author) => document.querySelector('#audit tbody tr td:nth-child(6)')?.textContent === author,
      EXPIRY_AUTHOR,
      { timeout: 10_000 },
    );
    const revert = await page.locator('#audit tbody tr').first().locator('td').allTextContents();
    expect(revert.slice(1, 6)).toEqual(['frustration', 'override', '0.420', '—', EXPIRY_AUTHOR]);
    expect(revert[6]).toMatch(/^temporary override expired at .+ \(was set by /);
    expect(await row('frustration').locator('.override').textContent()).toBe('—');
    expect(await row('frustration').locator('.expires').textContent()).toBe('');
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } })).json().rule).toBe('none');
    await inert();
  }, 30_000);

  it('refuses a duration beyond seven days without calling the API', async () => {
    const before = await page.locator('#audit tbody tr').count();
    const r = row('urgency');
    await r.locator('input.value').fill('0.4');
    await r.locator('input.hours').fill('200');
    await r.locator('input.reason').fill('too long');
    await r.locator('button.set').click();
    await page.waitForFunction(() => /at most 168/.test(document.querySelector('#message')?.textContent ?? ''));
    expect(await page.locator('#audit tbody tr').count()).toBe(before);
  }, 30_000);

  it('edits the churn phrase list, and classification uses it from the next message', async () => {
    expect(await page.locator('#churn-phrases-source').textContent()).toMatch(/configured list/);
    // "maybe" scores churn_risk 0.2: only the phrase boost makes it escalate.
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'maybe refund now' } })).json().rule).toBe('none');
    await page.fill('#churn-phrases-input', `cancel\nRefund NOW!\n${HOSTILE}`);
    await page.fill('#churn-phrases-reason', HOSTILE);
    await page.click('#churn-phrases-save');
    await page.waitForFunction(() => /Churn phrases saved/.test(document.querySelector('#message')?.textContent ?? ''));
    await page.waitForFunction(() => /Set by/.test(document.querySelector('#churn-phrases-source')?.textContent ?? ''));
    expect(await page.locator('#churn-phrases-list li').allTextContents()).toEqual([
      'cancel',
      'refund now',
      'img src x onerror window pwned 1 script script window pwned 2 script',
    ]);
    const history = await page.locator('#churn-phrases-history tbody tr').first().locator('td').allTextContents();
    expect(history.slice(1, 3)).toEqual([HOSTILE, HOSTILE]);
    expect(history[3]).toMatch(/^refund now, img src x/);
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'maybe refund now' } })).json().rule).toBe('churn_phrase');
    await inert();
  }, 30_000);

  it('shows the refusal of a NUL or a lone surrogate in a phrase or the reason, and keeps the list', async () => {
    for (const [phrases, reason] of [
      ['cancel\nbad\u0000phrase', 'ok'],
      ['cancel\nbad\ud800', 'ok'],
      ['cancel', 'bad\u0000reason'],
      ['cancel', 'bad\udfff'],
    ] as const) {
      // Set in the page itself: the text must reach the browser's own fetch as typed.
      await page.evaluate(
        ([p, r]) => {
          (document.getElementById('churn-phrases-input') as HTMLTextAreaElement).value = p;
          (document.getElementById('churn-phrases-reason') as HTMLInputElement).value = r;
        },
        [phrases, reason],
      );
      await page.evaluate(() => (document.getElementById('message')!.textContent = ''));
      await page.click('#churn-phrases-save');
      await page.waitForFunction(() => /Churn phrases: 400/.test(document.querySelector('#message')?.textContent ?? ''));
      expect(await page.textContent('#message')).toMatch(/NUL or unpaired surrogates/);
    }
    expect((await server.store.getChurnPhrases(server.classifier.modelId))?.phrases).toHaveLength(3);
    await inert();
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
