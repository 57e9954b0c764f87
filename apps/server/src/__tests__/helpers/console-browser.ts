import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, which playwright-core drives (installed by .ci/run). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * `describe` where Chromium is installed, else `describe.skip` with a warning naming what is missing.
 *
 * @example
 * ```ts
 * describeWithChromium('console what-if panel', () => { ... });
 * ```
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) return describe(`${name} in headless Chromium (${CHROMIUM})`, body);
  console.warn(`${name}: skipped, ${CHROMIUM} is absent (Debian package "chromium", installed by .ci/run)`);
  describe.skip(name, body);
}

/** A headless Chromium page on the console's server, with what the page did wrong collected for assertions. */
export interface ConsoleBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught page errors and console errors (minus those `ignoreConsole` matches): a CSP refusal shows up here. */
  readonly pageErrors: string[];
  /** Requests to any other origin than the server's, which are aborted: the page must talk only to its server. */
  readonly foreignRequests: string[];
  /** Alerts, confirms and prompts opened (and dismissed): injected script would open one. */
  readonly dialogs: string[];
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a fresh profile, reachable only to `serverUrl`.
 *
 * @param options.ignoreConsole - console errors the test expects (e.g. the browser's own line for a refused 401)
 *
 * @example
 * ```ts
 * const browser = await openConsoleBrowser(server.url, { viewport: { width: 1280, height: 800 } });
 * await browser.page.goto(`${server.url}/dashboard`);
 * ```
 */
export async function openConsoleBrowser(
  serverUrl: string,
  options: { viewport?: { width: number; height: number }; ignoreConsole?: RegExp } = {},
): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'mangaassist-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];
  const dialogs: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${serverUrl}/`)) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !options.ignoreConsole?.test(m.text())) pageErrors.push(m.text());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return {
    context,
    page,
    pageErrors,
    foreignRequests,
    dialogs,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
