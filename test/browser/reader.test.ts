/**
 * The reader in Debian's Chromium, signed in to the Mastodon simulator: what a person sees on each
 * screen and what reaches the server when they act, with the keyboard alone too; every main screen
 * checked by axe-core and photographed (docs/screenshots, shown by the README).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { systemClock } from '../../src-worker/mastodon/clock';
import { launchBrowser, type Browser } from '../support/browser';
import { servePictures } from '../support/pictures';
import { serveDirectory, type StaticServer } from '../support/static-server';
import { startSimulator, type Simulator } from '../simulator/server';
import { World } from '../simulator/world';
import { MASTODON_LIMITS } from '../simulator/rate-limits';

const DIST = path.join(import.meta.dirname, '../../dist-web');
const SCREENSHOTS = path.join(import.meta.dirname, '../../docs/screenshots');
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const READERS = [
  'timeline',
  'actions',
  'thread',
  'search',
  'keyboard',
  'compose',
  'notify',
  'narrow',
  'people',
  'markers',
].map((name) => `reader_${name}`);

let app: StaticServer;
let simulator: Simulator;
let world: World;
const browsers: Browser[] = [];

beforeAll(async () => {
  app = await serveDirectory(DIST);
  world = new World({
    clock: systemClock,
    seed: 5,
    statuses: 3000,
    authors: 400,
    // One person per test: each signs in, syncs and acts on their own, within their own rate limits.
    users: READERS.map((username) => ({ username, password: 'pw', favourites: 20, bookmarks: 4 })),
  });
  for (const name of READERS) {
    // Nothing in the home feed is favourited, boosted or bookmarked yet: each card offers to.
    const reader = world.userByName(name)!;
    const home = new Set(reader.home.map((id) => world.inner(world.statuses.get(id)!).id));
    reader.favourites = reader.favourites.filter((f) => !home.has(f.statusId));
    reader.favourited = new Set(reader.favourites.map((f) => f.statusId));
    reader.bookmarks = reader.bookmarks.filter((b) => !home.has(b.statusId));
    reader.bookmarked = new Set(reader.bookmarks.map((b) => b.statusId));
  }
  simulator = await startSimulator({
    world,
    clock: systemClock,
    autoApprove: 'reader',
    limits: MASTODON_LIMITS,
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  for (const b of browsers) await b.close();
  await simulator?.close();
  await app?.close();
});

/** A fresh profile signed in to the simulator, its timeline synced and ranked. */
async function signedIn(username: string, viewport = { width: 1280, height: 860 }): Promise<Page> {
  simulator.autoApprove = username;
  const browser = await launchBrowser();
  browsers.push(browser);
  await servePictures(browser.context);
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(`${app.url}?server=${encodeURIComponent(simulator.url)}&signin=auto`);
  // (In a narrow window the accounts are a screen of their own: the state is there, not shown.)
  await page
    .locator('.sync-state', { hasText: 'Up to date' })
    .waitFor({ state: 'attached', timeout: 60_000 });
  await page.getByRole('button', { name: 'Refresh' }).click();
  // The new ranking is on screen: the cards from before it are gone.
  await page.locator('main[data-rankings="1"]').waitFor();
  await page.locator('.post').first().waitFor();
  return page;
}

/** The server's own status behind a card, by the URI the card carries. */
function serverStatus(uri: string) {
  for (const status of world.statuses.values()) if (status.json.uri === uri) return status;
  throw new Error(`No status ${uri} on the server`);
}

async function screenshot(page: Page, name: string): Promise<void> {
  // Times shown move on: the pictures are of the screen, not of a moment.
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** axe-core on the screen as it is: no serious or critical violation. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Evaluated, not added as a script tag: the app's Content-Security-Policy forbids inline scripts.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            o: unknown,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id}: ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(', ')}`,
      );
  });
  expect(violations, screen).toEqual([]);
}

describe('the reader', () => {
  it('reads the ranked timeline and newest first, explains a post, and looks right in light and dark', async () => {
    const page = await signedIn('reader_timeline');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const first = timeline.getByRole('article').first();
    await first.getByRole('button', { name: 'Why?' }).click();
    await first.getByRole('table', { name: 'Score contributions' }).waitFor();
    await expectAccessible(page, 'timeline');
    await screenshot(page, 'timeline-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'timeline, dark');
    await screenshot(page, 'timeline-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The first card has been read for a while; leaving the list records how long.
    await page.waitForTimeout(4_500);
    const firstUri = await first.getAttribute('data-post-uri');

    // Newest first is one click away, in the server's order.
    await page.getByRole('button', { name: 'Newest first' }).click();
    await expect
      .poll(async () => {
        const uris = await timeline
          .getByRole('article')
          .evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.postUri!));
        const times = uris.map((uri) => serverStatus(uri).createdMs);
        return times.length > 3 && times.every((t, i) => i === 0 || t <= times[i - 1]!);
      })
      .toBe(true);
    const dwell = await page.evaluate(async (uri) => {
      const bundle = JSON.parse((await corgi.privacy.exportEverything()).json) as {
        tables: {
          interactions: { kind: string; value: number; status_id: number }[];
          statuses: { id: number; uri: string }[];
        };
      };
      const id = bundle.tables.statuses.find((s) => s.uri === uri)?.id;
      return bundle.tables.interactions.find((i) => i.kind === 'dwell' && i.status_id === id)?.value ?? null;
    }, firstUri);
    expect(dwell).toBeGreaterThanOrEqual(4_000);
  });

  it('favourites, boosts and bookmarks at once, undoes each, votes in a poll, and the server hears every one', async () => {
    // A poll still open, by someone the reader follows.
    const asker = [...world.userByName('reader_actions')!.follows][0]!;
    const question = world.publish(asker, { text: 'Which walk today?' });
    question.json.poll = {
      id: '990001',
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      expired: false,
      multiple: false,
      votes_count: 2,
      voters_count: 2,
      options: [
        { title: 'The beach', votes_count: 1 },
        { title: 'The woods', votes_count: 1 },
      ],
      emojis: [],
      voted: false,
      own_votes: [],
    };
    const page = await signedIn('reader_actions');
    const card = page.getByRole('region', { name: 'Timeline' }).getByRole('article').first();
    const uri = (await card.getAttribute('data-post-uri'))!;
    const onServer = world.inner(serverStatus(uri));
    const reader = world.userByName('reader_actions')!;

    await card.getByRole('button', { name: 'Favourite', exact: true }).click();
    await card.getByRole('button', { name: 'Favourited', exact: true }).waitFor();
    await card.getByRole('button', { name: 'Boost', exact: true }).click();
    await card.getByRole('button', { name: 'Boosted', exact: true }).waitFor();
    await card.getByRole('button', { name: 'Bookmark', exact: true }).click();
    await card.getByRole('button', { name: 'Bookmarked', exact: true }).waitFor();
    await expect.poll(() => reader.favourited.has(onServer.id), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => reader.bookmarked.has(onServer.id), { timeout: 20_000 }).toBe(true);

    // The bookmark is among the bookmarks.
    await page.getByRole('link', { name: 'Bookmarks' }).click();
    await page.getByRole('region', { name: 'Bookmarks' }).locator(`[data-post-uri="${uri}"]`).waitFor();
    await page.getByRole('link', { name: 'Home' }).click();

    const again = page.getByRole('region', { name: 'Timeline' }).locator(`article[data-post-uri="${uri}"]`);
    await again.getByRole('button', { name: 'Favourited', exact: true }).click();
    await again.getByRole('button', { name: 'Favourite', exact: true }).waitFor();
    await again.getByRole('button', { name: 'Bookmarked', exact: true }).click();
    await again.getByRole('button', { name: 'Bookmark', exact: true }).waitFor();
    await expect.poll(() => reader.favourited.has(onServer.id), { timeout: 20_000 }).toBe(false);
    await expect.poll(() => reader.bookmarked.has(onServer.id), { timeout: 20_000 }).toBe(false);

    // The poll: one choice, a vote, and the results with the reader's own choice marked.
    await page.getByRole('searchbox', { name: 'Search posts' }).fill('Which walk today');
    const asked = page.getByRole('region', { name: 'Results on this computer' }).getByRole('article').first();
    const choices = asked.getByRole('group', { name: 'Poll: choose one' });
    await choices.getByRole('radio', { name: 'The woods' }).check();
    await asked.getByRole('button', { name: 'Vote', exact: true }).click();
    const results = asked.getByRole('list', { name: 'Poll results' });
    await results.getByText('(your vote)').waitFor();
    expect(await results.getByRole('listitem').last().textContent()).toMatch(/67%\s*The woods/);
    await expect
      .poll(() => world.votes.get(question.id)?.get(reader.accountId), { timeout: 20_000 })
      .toEqual([1]);
    await expectAccessible(page, 'poll');

    // A refused action is undone on screen, says the server's reason, and can be tried again.
    await page.getByRole('link', { name: 'Home' }).click();
    const doomed = page.getByRole('region', { name: 'Timeline' }).getByRole('article').nth(1);
    const doomedUri = (await doomed.getAttribute('data-post-uri'))!;
    world.delete(world.inner(serverStatus(doomedUri)).id);
    await doomed.getByRole('button', { name: 'Favourite', exact: true }).click();
    const refused = page.getByRole('list', { name: 'Actions that failed' }).getByRole('alert');
    await refused.getByText(/Could not favourite a post: .*Record not found/).waitFor({ timeout: 20_000 });
    await page
      .locator(`article[data-post-uri="${doomedUri}"]`)
      .getByRole('button', { name: 'Favourite', exact: true })
      .waitFor();
    const failedIds = () =>
      page.evaluate(async () => (await corgi.actions.list(['failed'])).map((item) => item.id));
    const [first] = await failedIds();
    await refused.getByRole('button', { name: 'Try again' }).click();
    // Sent again, refused again: a new refusal in its place.
    await expect
      .poll(
        async () => {
          const ids = await failedIds();
          return ids.length === 1 && ids[0] !== first;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    const [second] = await failedIds();
    await page.locator(`[data-outbox-id="${second}"]`).getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => refused.count()).toBe(0);
  });

  it('opens a thread with what a reply answers above it, and a profile and a hashtag from a post', async () => {
    const page = await signedIn('reader_thread');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    // A stored reply whose parent is stored too (the page's API, as the screen reads it).
    const found = await page.evaluate(async () => {
      let cursor: string | null = null;
      do {
        const page = await corgi.timeline.page({ order: 'chronological', limit: 200, cursor });
        const reply = page.posts.find((p) => p.inReplyTo?.statusId != null);
        if (reply) return { id: reply.id, uri: reply.uri };
        cursor = page.nextCursor;
      } while (cursor);
      return null;
    });
    const uri = found?.uri ?? null;
    // Someone nobody here follows answers it: only the server knows.
    const reader = world.userByName('reader_thread')!;
    const stranger = [...world.accounts.keys()].find(
      (id) => !reader.follows.has(id) && id !== reader.accountId,
    )!;
    const afar = world.publish(stranger, {
      inReplyTo: world.inner(serverStatus(uri!)).id,
      text: 'Heard from afar',
    });
    await page.evaluate((id) => (location.hash = `#/thread/${id}`), found!.id);
    expect(uri).not.toBeNull();
    const thread = page.getByRole('region', { name: 'Thread' });
    const focus = thread.locator('.thread-focus article');
    await thread.locator(`.thread-focus article[data-post-uri="${uri}"]`).waitFor();
    // What it answers is above it; "Replying to" opens that post's thread, the reply below it.
    const parentUri = await thread.locator('.thread-ancestor article').last().getAttribute('data-post-uri');
    expect(world.inner(serverStatus(uri!)).inReplyTo).toBe(world.inner(serverStatus(parentUri!)).id);
    // The answer only the server knew arrives.
    await thread.locator(`.thread-reply article[data-post-uri="${String(afar.json.uri)}"]`).waitFor();
    await focus.locator('.post-reply-to a').click();
    await thread.locator(`.thread-focus article[data-post-uri="${parentUri}"]`).waitFor();
    await thread.locator(`.thread-reply article[data-post-uri="${uri}"]`).waitFor();
    await expectAccessible(page, 'thread');
    await screenshot(page, 'thread');

    // The author of the post in focus, on a screen of their own.
    const acct = (await focus.locator('.post-acct').textContent())!.replace(/^@/, '');
    await focus.locator('.post-names').click();
    const profile = page.locator('main .post-list');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/@${acct}`);
    await profile.getByRole('article').first().waitFor();
    for (const handle of await profile.locator('.post-acct').allTextContents())
      expect(handle).toBe(`@${acct}`);
    await expectAccessible(page, 'profile');

    // A hashtag opens the posts stored with it.
    await page.getByRole('link', { name: 'Home' }).click();
    const tagged = timeline.locator('.post-content a[data-corgi-tag]').first();
    const tag = (await tagged.getAttribute('data-corgi-tag'))!;
    await tagged.click();
    const list = page.getByRole('region', { name: `#${tag}` });
    await list.getByRole('article').first().waitFor();
    expect(await list.getByRole('article').count()).toBeGreaterThan(0);

    // A mention opens the person mentioned, by their full handle (servers leave out their own domain).
    const mentioning = await page.evaluate(async () => {
      let cursor: string | null = null;
      do {
        const page = await corgi.timeline.page({ order: 'chronological', limit: 200, cursor });
        const post = page.posts.find((p) => p.mentions.length > 0 && p.spoilerText === '');
        if (post) return post.id;
        cursor = page.nextCursor;
      } while (cursor);
      return null;
    });
    await page.evaluate((id) => (location.hash = `#/thread/${id}`), mentioning!);
    const mention = thread.locator(`.thread-focus .post-content a[data-corgi-acct]`).first();
    const handle = (await mention.getAttribute('data-corgi-acct'))!;
    expect(handle).toMatch(/^[^@\s]+@[^@\s]+$/);
    await mention.click();
    await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toBe(`#/@${handle}`);
  });

  it('searches what is stored, as the person types', async () => {
    const page = await signedIn('reader_search');
    const word = (await page.locator('.post-content p').first().textContent())!
      .split(/\s+/)
      .find((w) => /^[a-z]{5,}$/i.test(w))!;
    await page.getByRole('searchbox', { name: 'Search posts' }).fill(word);
    const results = page.getByRole('region', { name: 'Results on this computer' });
    await results.getByRole('article').first().waitFor();
    expect((await results.getByRole('article').first().textContent())!.toLowerCase()).toContain(
      word.toLowerCase(),
    );
    await expectAccessible(page, 'search');
    await screenshot(page, 'search');

    // Offline: the reader says so, and what is stored still reads.
    await page.context().setOffline(true);
    const connection = page.getByRole('status', { name: 'Connection' });
    await connection.getByText(/You are offline/).waitFor();
    await results.getByRole('article').first().waitFor();
    await page.context().setOffline(false);
    await expect.poll(() => connection.count()).toBe(0);

    // A list of the person's, by its title, is a timeline of its own.
    const sources = page.getByRole('navigation', { name: 'Lists and hashtags' });
    const list = sources.getByRole('link').first();
    const title = (await list.textContent())!;
    await list.click();
    await page.getByRole('region', { name: title }).getByRole('article').first().waitFor();
  });

  it('is read, acted on and replied to with the keyboard alone', async () => {
    const page = await signedIn('reader_keyboard');
    const reader = world.userByName('reader_keyboard')!;
    await page.keyboard.press('j');
    const focused = () =>
      page.evaluate(() => (document.activeElement as HTMLElement).dataset.postUri ?? null);
    const first = await focused();
    expect(first).not.toBeNull();
    await page.keyboard.press('j');
    // Focus moves once the list has drawn the next card.
    await expect.poll(focused).not.toBe(first);
    await page.keyboard.press('k');
    await expect.poll(focused).toBe(first);

    await page.keyboard.press('f');
    await expect
      .poll(() => reader.favourited.has(world.inner(serverStatus(first!)).id), { timeout: 20_000 })
      .toBe(true);

    await page.keyboard.press('r');
    await page.keyboard.type('Keyboard reply');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect
      .poll(
        () => [...world.statuses.values()].some((s) => (s.json.content as string).includes('Keyboard reply')),
        { timeout: 20_000 },
      )
      .toBe(true);

    // o opens the thread of the post in focus; ? lists every shortcut.
    await page.locator(`article[data-post-uri="${first}"]`).focus();
    await page.keyboard.press('o');
    await page.getByRole('region', { name: 'Thread' }).locator('.thread-focus article').waitFor();
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.getByText('Favourite (the post in focus)').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await page.keyboard.press('h');
    await page.getByRole('region', { name: 'Timeline' }).waitFor();
  });

  it('writes a new post in a dialog that keeps the draft, counts characters and publishes it', async () => {
    const page = await signedIn('reader_compose');
    await page.keyboard.press('n');
    const dialog = page.getByRole('dialog', { name: 'New post' });
    await dialog
      .getByLabel('Post text')
      .fill('A walk with the corgi https://example.com/a/very/long/link/indeed');
    // A link counts as 23 characters, whatever its length: 500 − 23 − 22.
    await dialog.getByText('455 characters left').waitFor();
    await dialog.getByRole('button', { name: 'Close (keep the draft)' }).click();
    await page.getByRole('button', { name: 'New post' }).click();
    expect(await dialog.getByLabel('Post text').inputValue()).toContain('A walk with the corgi');
    await dialog.getByLabel('Content warning', { exact: true }).check();
    await dialog.getByRole('textbox', { name: 'Content warning' }).fill('dogs');
    await dialog.getByLabel('Visibility').selectOption('unlisted');
    await dialog.getByLabel('Language').selectOption('en');
    await expectAccessible(page, 'compose');
    await screenshot(page, 'compose');
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect
      .poll(
        () =>
          [...world.statuses.values()].find((s) => String(s.json.content).includes('A walk with the corgi'))
            ?.json,
        { timeout: 20_000 },
      )
      .toMatchObject({ spoiler_text: 'dogs', visibility: 'unlisted', language: 'en' });
    // The draft went with it.
    await page.keyboard.press('n');
    expect(await dialog.getByLabel('Post text').inputValue()).toBe('');
    await page.keyboard.press('Escape');

    // One's own post is edited from its menu, from its text as the server keeps it.
    await page.getByRole('searchbox', { name: 'Search posts' }).fill('walk with the corgi');
    const mine = page.getByRole('region', { name: 'Results on this computer' }).getByRole('article').first();
    await mine.getByRole('button', { name: 'More actions' }).click();
    await mine.getByRole('menuitem', { name: 'Edit' }).click();
    const editing = page.getByRole('dialog', { name: 'Edit post' });
    await expect
      .poll(() => editing.getByLabel('Post text').inputValue())
      .toBe('A walk with the corgi https://example.com/a/very/long/link/indeed');
    await editing.getByLabel('Post text').fill('A walk with the corgi, and a nap after');
    await editing.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        () =>
          [...world.statuses.values()].find((s) => String(s.json.content).includes('A walk with the corgi'))
            ?.json.content,
        { timeout: 20_000 },
      )
      .toBe('<p>A walk with the corgi, and a nap after</p>');
    await mine.getByText('Edited').waitFor();
    // (Behind its content warning, still "dogs".)
    const show = mine.getByRole('button', { name: 'Show', exact: true });
    if ((await show.count()) > 0) await show.click();
    await mine.getByText('and a nap after').waitFor();
    // The draft of a new post is not touched by an edit.
    await page.keyboard.press('Escape');

    // One's own post can be deleted from its menu, after saying so.
    await mine.getByRole('button', { name: 'More actions' }).click();
    page.once('dialog', (confirm) => void confirm.accept());
    await mine.getByRole('menuitem', { name: 'Delete' }).click();
    const published = [...world.statuses.values()].find((s) =>
      String(s.json.content).includes('A walk with the corgi'),
    )!;
    await expect
      .poll(() => world.statuses.get(published.id)?.deleted ?? true, { timeout: 20_000 })
      .toBe(true);
  });

  it("shows a person's profile from the server, follows, mutes and blocks them, and finds people on the server", async () => {
    const reader = world.userByName('reader_people')!;
    const page = await signedIn('reader_people');
    // Someone the reader follows, found by the server's search.
    const followed = world.accounts.get([...reader.follows].find((id) => world.statusesBy(id).length > 2)!)!;
    const handle = `${followed.username}@${followed.domain}`.toLowerCase();
    await page.getByRole('searchbox', { name: 'Search posts' }).fill(followed.username);
    await page.getByRole('tab', { name: `On ${new URL(simulator.url).host}` }).click();
    const person = page
      .getByRole('list', { name: 'People' })
      .getByRole('link', { name: new RegExp(`@${handle}`) });
    await person.waitFor();
    await expectAccessible(page, 'search, server');
    await person.click();

    // Their profile as the server has it, and their posts, those the server just sent among them.
    const profile = page.getByRole('region', { name: 'Profile' });
    await profile.getByText(/[\d,.]+ posts · [\d,.]+ following · [\d,.]+ followers/).waitFor();
    const newest = world.statusesBy(followed.id).find((s) => !s.reblogOf)!;
    await page.locator(`main .post-list article[data-post-uri="${String(newest.json.uri)}"]`).waitFor();
    await expectAccessible(page, 'profile, from the server');
    await screenshot(page, 'profile');

    await profile.getByRole('button', { name: 'Unfollow' }).click();
    await profile.getByRole('button', { name: 'Follow', exact: true }).waitFor();
    expect(reader.follows.has(followed.id)).toBe(false);
    await profile.getByRole('button', { name: 'Follow', exact: true }).click();
    await profile.getByRole('button', { name: 'Unfollow' }).waitFor();
    expect(reader.follows.has(followed.id)).toBe(true);

    await profile.getByRole('button', { name: 'Mute' }).click();
    await profile.getByRole('button', { name: 'Unmute' }).waitFor();
    expect(reader.mutes.has(followed.id)).toBe(true);
    await profile.getByRole('button', { name: 'Unmute' }).click();
    await profile.getByRole('button', { name: 'Mute' }).waitFor();

    // Blocking asks first, and ends the follow.
    page.once('dialog', (confirm) => void confirm.accept());
    await profile.getByRole('button', { name: 'Block' }).click();
    await profile.getByRole('button', { name: 'Unblock' }).waitFor();
    expect(reader.blocks.has(followed.id)).toBe(true);
    expect(reader.follows.has(followed.id)).toBe(false);
    await expect(profile.getByRole('button', { name: 'Unfollow' }).count()).resolves.toBe(0);
    await profile.getByRole('button', { name: 'Unblock' }).click();
    await profile.getByRole('button', { name: 'Follow', exact: true }).waitFor();
  });

  it('groups notifications as Mastodon does, and filters them by kind', async () => {
    const me = world.userByName('reader_notify')!;
    const mine = world.publish(me.accountId, { text: 'Favourite me, friends' });
    for (const name of ['reader_timeline', 'reader_actions', 'reader_thread'])
      world.favourite(world.userByName(name)!, mine, true);
    world.reblog(world.userByName('reader_search')!, mine, true);
    // Another app saw everything before these four.
    me.markers.set('notifications', {
      lastReadId: me.notifications[4]?.id ?? '1',
      version: 1,
      updatedMs: Date.now(),
    });
    const page = await signedIn('reader_notify');
    const link = page.getByRole('link', { name: /^Notifications/ });
    await expect.poll(() => link.textContent()).toBe('Notifications4 new');
    await link.click();
    const list = page.getByRole('region', { name: 'Notifications' });
    const favourites = list.getByRole('article', { name: /and 2 others favourited your post/ });
    await favourites.waitFor();
    await expect(favourites.textContent()).resolves.toContain('Favourite me, friends');
    await list.getByRole('article', { name: /boosted your post/ }).waitFor();
    await expectAccessible(page, 'notifications');
    await screenshot(page, 'notifications');
    // Seen here: the badge goes, and other apps hear of it.
    await expect.poll(() => link.textContent()).toBe('Notifications');
    await expect
      .poll(() => me.markers.get('notifications')?.lastReadId, { timeout: 20_000 })
      .toBe(me.notifications[0]!.id);
    // Boosts only.
    await page.getByRole('button', { name: 'Boosts', exact: true }).click();
    await expect.poll(() => list.getByRole('article').count()).toBe(1);
    await list.getByRole('article', { name: /boosted your post/ }).waitFor();
  });

  it('opens newest first where another app left off, and tells the server as the reader reads on', async () => {
    const reader = world.userByName('reader_markers')!;
    // (Not a boost: the timeline shows a boosted post at its own time, so a marker on a boost stands
    // for the newest post before it.)
    const left = reader.home.filter((id) => !world.statuses.get(id)!.reblogOf)[20]!;
    reader.markers.set('home', { lastReadId: left, version: 3, updatedMs: Date.now() - 3_600_000 });
    const page = await signedIn('reader_markers');
    await page.getByRole('button', { name: 'Newest first' }).click();
    await page
      .getByRole('status')
      .getByText(/You left off here in another app/)
      .waitFor();
    const uri = String(world.inner(world.statuses.get(left)!).json.uri);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const card = timeline.locator(`article[data-post-uri="${uri}"]`);
    await card.waitFor();
    // At the top of the list, within a few pixels.
    await expect
      .poll(async () => {
        const [list, at] = [await timeline.boundingBox(), await card.boundingBox()];
        return Math.abs(at!.y - list!.y) < 24;
      })
      .toBe(true);
    // The position never moves back while the reader stays here.
    await page.waitForTimeout(1_500);
    expect(reader.markers.get('home')?.lastReadId).toBe(left);

    // Back at the newest: the server hears of the newest post of the home timeline at the top.
    await page.getByRole('button', { name: 'Back to the newest' }).click();
    const topUri = (await timeline.getByRole('article').first().getAttribute('data-post-uri'))!;
    const newest = reader.home
      .map((id) => world.statuses.get(id)!)
      .find((s) => !s.reblogOf && s.createdMs <= serverStatus(topUri).createdMs)!;
    await expect.poll(() => reader.markers.get('home')?.lastReadId, { timeout: 20_000 }).toBe(newest.id);
  });

  it('fits a narrow window in one column', async () => {
    const page = await signedIn('reader_narrow', { width: 390, height: 844 });
    const card = page.getByRole('region', { name: 'Timeline' }).getByRole('article').first();
    const box = (await card.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    // The lists and followed hashtags are a row of their own, within the window.
    const sources = page.getByRole('navigation', { name: 'Lists and hashtags' });
    await sources.getByRole('link').first().waitFor();
    const row = (await sources.boundingBox())!;
    expect(row.x + row.width).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'narrow');
    await screenshot(page, 'narrow');
  });
});
