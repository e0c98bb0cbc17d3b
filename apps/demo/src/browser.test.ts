// The page in a real browser: Debian's Chromium driven by playwright-core loads `/`, the event
// stream connects, a click on a sample button fires a request, and its waterfall appears with the
// stages of the seeds. Skipped (with the reason) where /usr/bin/chromium is missing.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type RunningDemo, startDemo } from './demo.test-util.ts';

const executablePath = '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
if (!haveChromium) {
  console.warn(
    `browser.test.ts skipped: ${executablePath} is missing (scripts/system-deps.sh installs it)`,
  );
}

describe.skipIf(!haveChromium)('the request-flow page in Chromium', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    demo = await startDemo();
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-background-networking'],
      timeout: 15_000,
    });
    page = await browser.newPage();
    page.on('console', (m) => {
      // The 404/500 samples are failed loads on purpose; script errors are what must not happen.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
        consoleErrors.push(m.text());
      }
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(`${demo.base}/`);
    await page.waitForSelector('#live[data-state="open"]', { timeout: 5000 });
  }, 20_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const waitForFlow = async (uri: string): Promise<void> => {
    await page.waitForSelector(`details.flow[data-uri="${uri}"]`, { timeout: 5000 });
  };
  const stagesOf = (uri: string): Promise<string[]> =>
    page.$$eval(`details.flow[data-uri="${uri}"] .row`, (rows) =>
      rows.map((r) => r.getAttribute('data-stage') ?? ''),
    );

  test('a click fires the request and its waterfall appears, every stage drawn', async () => {
    await page.click('[data-sample="hello"]');
    await waitForFlow('/helloworld');
    const flow = page.locator('details.flow[data-uri="/helloworld"]').first();
    expect(await flow.getAttribute('open')).not.toBeNull();
    expect(await flow.getAttribute('data-status')).toBe('200');
    const stages = await stagesOf('/helloworld');
    expect(stages).toContain('read+parse');
    expect(stages).toContain('serverHandler');
    for (const s of [
      'recovery',
      'logger',
      'cors',
      'compress',
      'servemux',
      'routing',
      'handler',
      'write',
    ]) {
      expect(stages).toContain(s);
    }
    // Bars are positioned inside their track: a middleware has its in and out parts.
    const bars = await flow.locator('.row[data-stage="logger"] .bar').count();
    expect(bars).toBe(3);
    expect(await flow.locator('.meta').textContent()).toContain('GET /helloworld');
    expect(await page.locator('#result').textContent()).toContain('200');
  });

  test('the panic button: a 500 flow, recovery drawn; the 404 button: routing says no match', async () => {
    await page.click('[data-sample="panic"]');
    await waitForFlow('/demo/panic');
    expect(
      await page
        .locator('details.flow[data-uri="/demo/panic"]')
        .first()
        .getAttribute('data-status'),
    ).toBe('500');
    await page.click('[data-sample="notfound"]');
    await waitForFlow('/nope');
    const label = await page
      .locator('details.flow[data-uri="/nope"] .row[data-stage="routing"] .name')
      .first()
      .textContent();
    expect(label).toContain('no pattern matched');
  });

  test('a POST through gin: login, then 201, with the gin route and SQLite stage', async () => {
    await page.click('[data-sample="create"]');
    await page.waitForSelector('details.flow[data-uri="/api/v1/posts"][data-status="201"]', {
      timeout: 5000,
    });
    const stages = await page.$$eval(
      'details.flow[data-uri="/api/v1/posts"][data-status="201"] .row',
      (rows) => rows.map((r) => r.getAttribute('data-stage') ?? ''),
    );
    expect(stages).toEqual(expect.arrayContaining(['gin', 'jwt', 'handler', 'sqlite']));
    expect(consoleErrors).toEqual([]);
  });
});

// The same page over HTTPS, where Chromium negotiates h2: the event stream and the requests go
// through servehttp's HTTP/2 side (on Bun, a session that writes to the connection's socket).
describe.skipIf(!haveChromium)('the page over HTTPS and h2 in Chromium', () => {
  let demo: RunningDemo;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemo({}, '127.0.0.1', true);
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-background-networking'],
      timeout: 15_000,
    });
  }, 20_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  test('the page loads over h2, the event stream opens, a click draws its waterfall', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${demo.base}/`);
    await page.waitForSelector('#live[data-state="open"]', { timeout: 5000 });
    // An expression, evaluated in the page (this file is typed without the DOM).
    const protocol = await page.evaluate<string>(
      "performance.getEntriesByType('navigation')[0].nextHopProtocol",
    );
    expect(protocol).toBe('h2');
    await page.click('[data-sample="hello"]');
    await page.waitForSelector('details.flow[data-uri="/helloworld"]', { timeout: 5000 });
    expect(
      await page
        .locator('details.flow[data-uri="/helloworld"]')
        .first()
        .getAttribute('data-status'),
    ).toBe('200');
    expect(await page.locator('#result').textContent()).toContain('200');
    expect(errors).toEqual([]);
    await context.close();
  });
});
