/**
 * Signing in from the web edition, in Chromium, against the Mastodon simulator as each kind of
 * server it can be (current and older Mastodon, GoToSocial, Akkoma): the app sends the browser to
 * the server's login and consent pages, comes back with a code, stores the token in the web vault,
 * syncs the home timeline into OPFS, acts, stays signed in across a reload, and signs out.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-worker/mastodon/clock';
import { launchBrowser, type Browser } from '../support/browser';
import { serveDirectory, type StaticServer } from '../support/static-server';
import { startSimulator, type Simulator } from '../simulator/server';
import { World } from '../simulator/world';
import { FLAVOUR_NAMES, FLAVOURS } from '../simulator/flavours';
import { MASTODON_LIMITS } from '../simulator/rate-limits';

const DIST = path.join(import.meta.dirname, '../../dist-web');

let app: StaticServer;
let browser: Browser;

beforeAll(async () => {
  app = await serveDirectory(DIST);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.each(FLAVOUR_NAMES)('signing in from the web edition to %s', (flavourName) => {
  let simulator: Simulator;
  let world: World;

  beforeAll(async () => {
    world = new World({
      clock: systemClock,
      seed: 3,
      statuses: 3000,
      authors: 400,
      users: [{ username: 'ana', password: 'secret pw', favourites: 30, bookmarks: 5 }],
    });
    // Nothing in ana's home feed is favourited yet, so each card offers "Favourite".
    const ana = world.userByName('ana')!;
    const home = new Set(ana.home.map((id) => world.inner(world.statuses.get(id)!).id));
    ana.favourites = ana.favourites.filter((f) => !home.has(f.statusId));
    ana.favourited = new Set(ana.favourites.map((f) => f.statusId));
    // Mastodon's throttles without Akkoma's per-timeline one: this test waits in real time.
    simulator = await startSimulator({
      world,
      clock: systemClock,
      flavour: FLAVOURS[flavourName],
      limits: MASTODON_LIMITS,
    });
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it('signs in through the server’s pages, syncs, survives a reload, signs in again when the token is refused, and signs out', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}?server=${encodeURIComponent(simulator.url)}`);
    await page.getByText(/^\d+ posts? stored$/).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The simulator's own login and consent pages.
    await page.waitForURL(new RegExp(`^${simulator.url}/oauth/authorize`));
    await page.locator('input[name=username]').fill('ana');
    await page.locator('input[name=password]').fill('secret pw');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Authorize' }).click();

    // Back in Corgi, signed in and syncing.
    await page.waitForURL(`${app.url}`);
    const account = page.locator('.accounts li', { hasText: '@ana@' });
    await account.waitFor();
    await page.getByText('Up to date').waitFor({ timeout: 60_000 });
    const user = world.userByName('ana')!;
    const home = new Set(user.home.map((id) => world.inner(world.statuses.get(id)!).json.uri));
    const stored = () => page.evaluate(() => globalThis.corgi.status().then((s) => s.statuses));
    await expect.poll(stored, { timeout: 30_000 }).toBeGreaterThanOrEqual(home.size);
    // Refresh ranks again; wait for that ranking to be on screen.
    const rankings = Number(await page.locator('main').getAttribute('data-rankings'));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`main[data-rankings="${rankings + 1}"]`).waitFor();
    await expect.poll(() => page.locator('.post').count()).toBeGreaterThan(0);

    // Favourite the newest post from its card: the server has it soon after.
    const first = page.locator('.post').first();
    // The first two cards on screen.
    const firstUri = await first.getAttribute('data-post-uri');
    const secondUri = await page.locator('.post').nth(1).getAttribute('data-post-uri');
    const target = [...world.statuses.values()].find((s) => s.json.uri === firstUri)!;
    await first.getByRole('button', { name: 'Favourite', exact: true }).click();
    await first.getByRole('button', { name: 'Favourited', exact: true }).waitFor();
    await expect.poll(() => user.favourited.has(target.id), { timeout: 20_000 }).toBe(true);

    // A reply with a content warning, to followers only.
    await first.getByRole('button', { name: 'Reply' }).click();
    await first.getByLabel('Reply text').fill('Thoughtful reply');
    await first.getByLabel('Content warning').fill('long');
    await first.getByLabel('Visibility').selectOption('private');
    await first.getByRole('button', { name: 'Send reply' }).click();
    await expect
      .poll(() => world.repliesTo(target.id).filter((r) => r.accountId === user.accountId).length, {
        timeout: 20_000,
      })
      .toBe(1);
    const sentReply = world.repliesTo(target.id).find((r) => r.accountId === user.accountId)!;
    expect(sentReply.json.spoiler_text).toBe('long');
    expect(sentReply.json.visibility).toBe('private');
    expect(String(sentReply.json.content)).toContain('Thoughtful reply');

    // A post deleted on the server meanwhile: the favourite is refused, and the panel says why.
    const second = page.locator('.post').nth(1);
    world.delete([...world.statuses.values()].find((s) => s.json.uri === secondUri)!.id);
    await second.getByRole('button', { name: 'Favourite', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Could not favourite a post' })
      .waitFor({ timeout: 20_000 });
    expect(await page.getByRole('alert').first().textContent()).toContain('Record not found');

    // After a reload the token is still in the vault: the account syncs and streams again.
    await page.reload();
    await account.waitFor();
    await page.getByText('Up to date').waitFor({ timeout: 60_000 });
    const before = await stored();
    const posted = world.publish([...user.follows][0]!);
    await expect.poll(stored, { timeout: 20_000 }).toBe(before + 1);
    const found = await page.evaluate(
      (uri) =>
        globalThis.corgi.timeline
          .page({ order: 'chronological', limit: 5 })
          .then((p) => p.posts.some((x) => x.uri === uri)),
      String(posted.json.uri),
    );
    expect(found).toBe(true);

    // The token is revoked on the server (the person removed the app there): at the next start
    // the account says so, why, and offers to sign in again, which brings it back.
    simulator.revokeTokens(user.accountId);
    await page.reload();
    const problem = account.getByRole('alert');
    await problem.getByText(/no longer accepts Corgi's access/).waitFor({ timeout: 60_000 });
    await account.getByText('Needs to sign in again').waitFor();
    // Above every screen too, with the same way out.
    const connection = page.getByRole('status', { name: 'Connection' });
    await connection.getByText(/needs to sign in again/).waitFor();
    expect(await connection.getByRole('button', { name: 'Sign in again' }).count()).toBe(1);
    await problem.getByRole('button', { name: 'Sign in again' }).click();
    await page.waitForURL(new RegExp(`^${simulator.url}/oauth/authorize`));
    await page.locator('input[name=username]').fill('ana');
    await page.locator('input[name=password]').fill('secret pw');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForURL(`${app.url}`);
    await page.getByText('Up to date').waitFor({ timeout: 60_000 });
    expect(await account.getByRole('alert').count()).toBe(0);

    await account.getByRole('button', { name: 'Sign out' }).click();
    // Signing out deletes the posts only that account held, with their index rows and vectors.
    await expect.poll(() => page.locator('.accounts li').count(), { timeout: 20_000 }).toBe(0);
    const tokensLeft = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const open = indexedDB.open('corgi-vault');
          open.onsuccess = () => {
            const keys = open.result.transaction('entries').objectStore('entries').getAllKeys();
            keys.onsuccess = () => resolve(keys.result.filter((k) => String(k).startsWith('token:')).length);
          };
        }),
    );
    expect(tokensLeft).toBe(0);
    await page.close();
  });
});
