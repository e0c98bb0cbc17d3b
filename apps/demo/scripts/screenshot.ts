/**
 * Takes apps/demo/screenshot.png: starts the demo in-process on a throwaway data directory,
 * opens the page in Chromium (playwright-core, Debian's /usr/bin/chromium), fires a few sample
 * requests and captures the page. Run from the repository root:
 *
 *   bun --conditions=@servehttp/source apps/demo/scripts/screenshot.ts
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startDemo } from '../src/demo.test-util.ts';

const out = join(import.meta.dir, '..', 'screenshot.png');
const demo = await startDemo();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 980 },
    deviceScaleFactor: 1,
  });
  await page.goto(`${demo.base}/`);
  await page.waitForSelector('#live[data-state="open"]');
  for (const s of ['notfound', 'panic', 'create', 'posts']) {
    await page.click(`[data-sample="${s}"]`);
    await page.waitForFunction((n) => document.querySelectorAll('#flows > li').length >= n, 1);
    await page.waitForTimeout(150);
  }
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await demo.close();
}
