/**
 * The web edition in Debian's Chromium: the real renderer and worker, with the database on OPFS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../support/browser';
import { serveDirectory, type StaticServer } from '../support/static-server';
import { docsStatuses, readDocsExample } from '../fixtures/docs-statuses';
import type { TestHooksApi } from '../../src-worker/edge';

const DIST = path.join(import.meta.dirname, '../../dist-web');

let server: StaticServer;
beforeAll(async () => {
  server = await serveDirectory(DIST);
});
afterAll(async () => {
  await server?.close();
});

declare global {
  // The engine handle the web edition puts on the page; the tests' build (CORGI_TEST_HOOKS=1) adds
  // the engine's own commands under `testing`, to seed the database with.
  var corgi: TestHooksApi;
}

async function openApp(page: Page): Promise<void> {
  await page.goto(server.url);
  await page.getByText(/^\d+ posts? stored$/).waitFor();
}

/** Signs in a demo identity the way the sign-in flow will, and ingests the docs' real statuses. */
async function ingestDocsStatuses(page: Page) {
  const statuses = docsStatuses().map((d) => d.status);
  const incomplete = (readDocsExample('Context.json') as { ancestors: unknown[] }).ancestors;
  return page.evaluate(
    async ({ statuses, incomplete }) => {
      const account = await corgi.testing.accounts.upsert({
        instance: 'mastodon.social',
        remoteId: '1',
        acct: 'Gargron',
        displayName: 'Eugen',
      });
      return corgi.testing.ingest.statuses({
        accountId: account.id,
        timeline: 'home',
        statuses: [...statuses, ...incomplete],
      });
    },
    { statuses, incomplete },
  );
}

/**
 * Every byte of every file in this origin's OPFS, as text, for scanning. A file the worker is writing
 * at that instant (background embedding) cannot be read: the whole walk is tried again.
 */
async function opfsContents(page: Page): Promise<{ files: string[]; text: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await readOpfs(page);
    } catch (error) {
      if (attempt >= 20 || !String(error).includes('NotReadableError')) throw error;
      await page.waitForTimeout(250);
    }
  }
}

async function readOpfs(page: Page): Promise<{ files: string[]; text: string }> {
  return page.evaluate(async () => {
    const files: string[] = [];
    let text = '';
    async function walk(dir: FileSystemDirectoryHandle, prefix: string): Promise<void> {
      for await (const [name, handle] of (
        dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
      ).entries()) {
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
        else {
          const file = await (handle as FileSystemFileHandle).getFile();
          files.push(`${prefix}${name}`);
          text += new TextDecoder('latin1').decode(await file.arrayBuffer());
        }
      }
    }
    await walk(await navigator.storage.getDirectory(), '');
    return { files, text };
  });
}

describe('the web edition', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('stores real Mastodon statuses, refuses the incomplete ones, and finds them after a reload', async () => {
    const page = await browser.context.newPage();
    await openApp(page);
    await page.getByText('No posts stored yet.').waitFor();
    await page.getByText('0 posts stored').waitFor();

    const result = await ingestDocsStatuses(page);
    expect(result.inserted).toBe(4);
    expect(result.rejected).toHaveLength(3);
    expect(result.rejected[0]!.error).toMatch(/uri|account|content/);

    // Refresh shows them at once; a reload shows them from the database.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText('4 posts stored').waitFor();
    await page.reload();
    await page.getByText('4 posts stored').waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('I lost my inheritance with one wrong digit on my sort code').waitFor();
    expect(await timeline.getByRole('article').count()).toBe(4);
    // The edited status shows its edited text, never a script.
    await timeline.getByText('edited', { exact: true }).waitFor();
    expect(await page.locator('.post-content script').count()).toBe(0);

    await page.getByRole('searchbox', { name: 'Search posts' }).fill('inheritance');
    const results = page.getByRole('region', { name: 'Results on this computer' });
    await results.getByRole('article').first().waitFor();
    expect(await results.getByRole('article').count()).toBe(1);
    await expect(results.getByRole('article').first().textContent()).resolves.toContain('sort code');

    await page.getByRole('searchbox', { name: 'Search posts' }).fill('@gargron');
    await page.waitForFunction(
      () => document.querySelectorAll('[aria-label="Results on this computer"] article').length === 1,
    );

    await page.getByRole('searchbox', { name: 'Search posts' }).fill('zzzunmatched');
    await page.getByText('No posts stored here match “zzzunmatched”.').waitFor();
    await page.close();
  });

  it('keeps the posts across a browser restart on the same profile', async () => {
    const profile = browser.profileDir;
    await browser.context.close();
    browser = await launchBrowser(profile);
    const page = await browser.context.newPage();
    await openApp(page);
    await page.getByText('4 posts stored').waitFor();
    await page.getByRole('searchbox', { name: 'Search posts' }).fill('sort code');
    await page
      .getByRole('region', { name: 'Results on this computer' })
      .getByRole('article')
      .first()
      .waitFor();
    await page.close();
  });

  it('opens with the first page kept for the start, and reads it again when it was older than the database', async () => {
    const page = await browser.context.newPage();
    await openApp(page);
    const posts = page.getByRole('region', { name: 'Timeline' }).locator('.post');
    await posts.first().waitFor();
    await expect
      .poll(async () => (await opfsContents(page)).files, { timeout: 10_000 })
      .toContain('corgi-first-page/page.json');
    const uris = () => posts.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-post-uri')));
    const order = await uris();
    expect(order.length).toBeGreaterThan(1);

    // A kept page older than the database (the app closed just after a change): another order, and
    // a text since edited.
    await page.evaluate(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('corgi-first-page');
      const file = await dir.getFileHandle('page.json');
      const kept = JSON.parse(await (await file.getFile()).text());
      kept.page.posts.reverse();
      kept.page.posts[0].contentHtml = '<p>An older text</p>';
      const writable = await file.createWritable();
      await writable.write(JSON.stringify(kept));
      await writable.close();
    });
    await page.reload();
    // The page opens with the kept page, before the database is open…
    await page.getByText('An older text').waitFor();
    // …and once it is, the home timeline is read again: as it is, in its order.
    await expect.poll(uris, { timeout: 10_000 }).toEqual(order);
    expect(await page.getByText('An older text').count()).toBe(0);
    await page.close();
  });

  it('shows a second tab none of the posts another tab holds the database of, and says why', async () => {
    const first = await browser.context.newPage();
    await openApp(first);
    await first.getByRole('region', { name: 'Timeline' }).getByRole('article').first().waitFor();
    // The first page is kept beside the database for the next start…
    await expect
      .poll(async () => (await opfsContents(first)).files, { timeout: 10_000 })
      .toContain('corgi-first-page/page.json');
    // …but not shown where the database cannot be opened.
    const second = await browser.context.newPage();
    await second.goto(server.url);
    await second.getByText(/in use by another Corgi window or tab/).waitFor({ timeout: 20_000 });
    expect(await second.getByRole('article').count()).toBe(0);
    await second.close();
    await first.close();
  }, 40_000);

  it('exports everything as JSON plus the SQLite file', async () => {
    const page = await browser.context.newPage();
    await openApp(page);
    const downloads: { name: string; bytes: Buffer }[] = [];
    page.on('download', (download) => {
      void download.path().then(async (file) => {
        const fs = await import('node:fs');
        downloads.push({ name: download.suggestedFilename(), bytes: fs.readFileSync(file!) });
      });
    });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Export everything' }).click();
    await page
      .getByRole('status')
      .getByText(/Exported/)
      .waitFor();
    await expect.poll(() => downloads.length, { timeout: 20_000 }).toBe(2);
    const json = downloads.find((d) => d.name.endsWith('.json'))!;
    const sqlite = downloads.find((d) => d.name.endsWith('.sqlite'))!;
    const parsed = JSON.parse(json.bytes.toString('utf8'));
    expect(parsed.format).toBe('corgi-export');
    expect(parsed.tables.statuses).toHaveLength(4);
    expect(parsed.tables.accounts[0].acct).toBe('gargron@mastodon.social');
    expect(sqlite.bytes.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    await page.close();
  });

  it('deletes everything and leaves nothing behind in OPFS', async () => {
    const page = await browser.context.newPage();
    await openApp(page);
    await page.getByText('4 posts stored').waitFor();
    // The home timeline's first page is kept beside the database for the next start.
    await expect
      .poll(async () => (await opfsContents(page)).files, { timeout: 10_000 })
      .toContain('corgi-first-page/page.json');
    const before = await opfsContents(page);
    // (A post's text is stored packed; its address is not.)
    expect(before.text).toContain('mastodon.social/users/Gargron');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Delete everything' }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByText('Everything was deleted.').waitFor();
    await page.getByText('0 posts stored').waitFor();
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByText('No posts stored yet.').waitFor();

    const after = await opfsContents(page);
    expect(after.files).not.toContain('corgi-first-page/page.json');
    for (const trace of [
      'I lost my inheritance',
      'mastodon.social/users/Gargron',
      'gargron@mastodon.social',
      'Eugen',
    ]) {
      expect(after.text).not.toContain(trace);
    }
    const counts = await page.evaluate(async () => ({
      status: await corgi.status(),
      accounts: await corgi.accounts.list(),
      search: await corgi.search.posts('inheritance'),
    }));
    expect(counts.status.statuses).toBe(0);
    expect(counts.accounts).toEqual([]);
    expect(counts.search).toEqual([]);

    await page.reload();
    await page.getByText('0 posts stored').waitFor();
    await page.close();
  });
});
