/**
 * The ranked timeline in the web edition: reasons on the cards, "less like this", presets, and new
 * posts held behind a button. The real renderer and worker in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../support/browser';
import { serveDirectory, type StaticServer } from '../support/static-server';
import { readDocsExample } from '../fixtures/docs-statuses';
import type { TestHooksApi } from '../../src-worker/edge';

declare global {
  var corgi: TestHooksApi;
}

type Json = Record<string, unknown>;
const DIST = path.join(import.meta.dirname, '../../dist-web');
const GARGRON = readDocsExample('Status.json') as Json;
let serial = 0;

function status(name: string, text: string, minutesAgo: number, tags: string[] = []): Json {
  const n = ++serial;
  return {
    ...GARGRON,
    id: String(300000000000000000n + BigInt(n)),
    uri: `https://example.social/statuses/r${n}`,
    url: null,
    card: null,
    account: {
      ...(GARGRON.account as Json),
      id: `9${name.length}${name.charCodeAt(0)}`,
      username: name,
      acct: `${name}@example.social`,
      display_name: name,
    },
    content: `<p>${text}</p>`,
    tags: tags.map((t) => ({ name: t, url: `https://example.social/tags/${t}` })),
    created_at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  };
}

async function ingest(page: Page, statuses: Json[]): Promise<void> {
  await page.evaluate(async (statuses) => {
    const [account] = await corgi.accounts.list();
    const id =
      account?.id ??
      (
        await corgi.testing.accounts.upsert({
          instance: 'example.social',
          remoteId: '1',
          acct: 'me',
          displayName: '',
        })
      ).id;
    const result = await corgi.testing.ingest.statuses({ accountId: id, timeline: 'home', statuses });
    if (result.rejected.length) throw new Error(JSON.stringify(result.rejected));
    while ((await corgi.testing.ranking.embedPending(200)) > 0);
  }, statuses);
}

describe('the ranked timeline in the web edition', () => {
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

  it('explains each post, takes "less like this", follows a preset, and holds new posts back', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.getByText(/^\d+ posts? stored$/).waitFor();
    const statuses: Json[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 5 === 0) statuses.push(status('ana', `Rust borrow checker notes ${i}`, 5 + i * 15, ['rust']));
      else statuses.push(status(`other${i}`, `Weather and trains, part ${i}`, 5 + i * 15));
    }
    await ingest(page, statuses);
    // The person favourited two of ana's older posts.
    await page.evaluate(async () => {
      const posts = (await corgi.timeline.page({ order: 'chronological', limit: 100 })).posts;
      for (const p of posts.filter((x) => x.author.acct.startsWith('ana')).slice(-2)) {
        await corgi.interactions.record({ statusId: p.id, kind: 'favourite' });
      }
      // Only the author sets ana's posts apart, so that the reason names her.
      await corgi.ranking.update({ weights: { content: 0, tags: 0 } });
    });
    await page.getByRole('button', { name: 'Refresh' }).click();
    const first = page.locator('.post').first();
    await first.getByText('You often favourite @ana@example.social').waitFor();
    await first.getByRole('button', { name: 'Why?' }).click();
    await first
      .getByRole('table', { name: 'Score contributions' })
      .getByText('People you engage with')
      .waitFor();

    await first.getByRole('button', { name: 'Less like this' }).click();
    await first.getByText('You will see less like this.').waitFor();
    // Every card was on screen, so nothing moved; ranked again, @ana counts against.
    const affinity = await page.evaluate(async () => {
      await corgi.ranking.refresh();
      const rows = (await corgi.timeline.page({ order: 'ranked', limit: 100 })).posts;
      return rows
        .filter((p) => p.author.acct.startsWith('ana') && p.ranking!.position > 1)
        .map((p) => p.ranking!.contributions.author ?? 0);
    });
    expect(Math.max(...affinity)).toBeLessThan(0);

    // Newest first is one click away.
    await page.getByRole('button', { name: 'Newest first' }).click();
    await expect
      .poll(async () => {
        const uris = await page
          .locator('.post')
          .evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.postUri));
        return uris.slice(0, 5);
      })
      .toEqual(statuses.slice(0, 5).map((s) => s.uri));

    // New posts wait behind a button instead of moving the cards on screen.
    const before = await page.locator('.post').first().getAttribute('data-post-uri');
    await ingest(page, [status('bob', 'Fresh bread just now', 0)]);
    const button = page.getByRole('button', { name: '1 new post' });
    await button.waitFor({ timeout: 30_000 });
    expect(await page.locator('.post').first().getAttribute('data-post-uri')).toBe(before);
    await button.click();
    await expect
      .poll(() => page.locator('.post').first().getAttribute('data-post-uri'))
      .toBe('https://example.social/statuses/r31');
    await page.close();
  });
});
