/**
 * Keeping posts for some months, in the web edition: the choice shows what it would drop, and the
 * worker drops it in the background once the person is idle. Its own profile and data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { launchBrowser, type Browser } from '../support/browser';
import { serveDirectory, type StaticServer } from '../support/static-server';
import { docsStatuses } from '../fixtures/docs-statuses';
import type { TestHooksApi } from '../../src-worker/edge';

const DIST = path.join(import.meta.dirname, '../../dist-web');

declare global {
  var corgi: TestHooksApi;
}

let server: StaticServer;
let browser: Browser;
beforeAll(async () => {
  server = await serveDirectory(DIST);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('storage', () => {
  it('keeps posts for the months chosen, after showing what that drops, and drops the rest in the background', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.getByText(/^\d+ posts? stored$/).waitFor();
    // The documentation's statuses are years old; the person favourited one of them.
    const statuses = docsStatuses().map((d) => d.status);
    await page.evaluate(async (statuses) => {
      const account = await corgi.testing.accounts.upsert({
        instance: 'mastodon.social',
        remoteId: '1',
        acct: 'reader',
        displayName: 'Reader',
      });
      await corgi.testing.ingest.statuses({ accountId: account.id, timeline: 'home', statuses });
      const [post] = await corgi.search.posts('inheritance');
      await corgi.interactions.record({ statusId: post!.id, kind: 'favourite' });
    }, statuses);
    await page.reload();
    await page.getByRole('link', { name: 'Settings' }).click();
    const storage = page.getByRole('region', { name: 'Storage' });
    await storage.getByText(/^4 posts in [\d.]+ [kMG]B on this computer\.$/).waitFor();

    await storage.getByLabel('Keep posts').selectOption({ label: 'for 6 months' });
    const dialog = page.getByRole('alertdialog', { name: 'Confirm keeping posts' });
    await dialog.getByText(/Keeping posts for 6 months drops 3 posts now \(about [\d.]+ [kMG]B\)/).waitFor();
    // Changing one's mind drops nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await storage.getByLabel('Keep posts').inputValue()).toBe('null');

    await storage.getByLabel('Keep posts').selectOption({ label: 'for 6 months' });
    await dialog.getByRole('button', { name: 'Keep posts for 6 months' }).click();
    await storage.getByText('Older posts go in the background while Corgi is idle.').waitFor();
    // Once nobody has done anything for a while, the worker's upkeep drops them.
    await expect
      .poll(() => page.evaluate(async () => (await corgi.status()).statuses), {
        timeout: 60_000,
        interval: 2_000,
      })
      .toBe(1);
    expect((await page.evaluate(() => corgi.search.posts('inheritance'))).length).toBe(1);
    await page.reload();
    await page.getByText('1 post stored').waitFor();
    await page
      .getByRole('region', { name: 'Storage' })
      .getByText(/: 3 posts dropped\.$/)
      .waitFor();
    await page.close();
  }, 90_000);
});
