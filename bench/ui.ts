/**
 * npm run bench:ui [-- --posts N --runs N --keep DIR --rebuild --scroll-posts N --scroll-px N
 *                     --trace DIR --unminified --start-only --no-kept-page]
 *
 * What the person feels in the web edition with a long history stored: the real, shipped web app
 * (built by vite.web.config.ts without test hooks) in Debian's Chromium (1280×900), on a database
 * of N posts (100,000 by default) in its OPFS pool, signed in to a Mastodon simulator on loopback.
 *
 * The database is built once and kept (in DIR, by default corgi-bench-ui-N in the system's temp
 * directory; built again when older than 12 hours or of an older schema, or with --rebuild) as bench/history.ts builds
 * bench:scale's, but anchored at the time of building (the newest post a minute old, one every 30 s
 * before it, so that the ranking's 72 hours hold 8,640 of them), with threads (replies answer posts
 * stored a little before them), 2,000 notifications (favourites, boosts and mentions of the person's
 * own posts, follows) and the background check of the database done, as a database in use has.
 * Media are as the generator makes them: ~18% of posts with pictures (blurhash and alt text), GIFs
 * or videos, 2% with polls, 30% with links (most with a card).
 *
 * The account's server is test/simulator, started here with a world of its own (same authors, no
 * history): so the app's sync at start-up finds little new (a few mentions) and is done within a
 * second or two, and each favourite reaches a server that knows the post (the benchmark adds the
 * post to the world just before its click). Its token, got through the simulator's sign-in pages,
 * and its app registration are put in the web edition's vault, and the account's server in the
 * database, before the app loads. Every https picture the app asks for (avatars, media, cards) is
 * answered with a JPEG drawn by the page (640×480, or 400×400 for avatars), through Playwright's
 * routing.
 *
 * Each run is a fresh Chromium profile: bench/ui-page (served from the app's origin) imports the
 * database into OPFS and fills the vault, then the app is opened, and, measured in the page with
 * performance.now() (from navigation start; "painted" is the task after the next animation frame):
 *   first_page_ms          navigation start to the first page of the ranked timeline painted: the
 *                          first cards in the Timeline list (the first page's 20 posts have come, and the
 *                          list draws the cards that fill the window; it draws no more than that,
 *                          and the detail's first_page_filled says whether they reach its bottom),
 *                          the first time the app is opened in this browser profile: nothing of the
 *                          app's code is in the browser's caches yet. The profile holds what one in
 *                          use holds beside the database: the first page the app keeps for its next
 *                          start (src-worker/kept-page.ts), made here from the database as it is;
 *                          --no-kept-page leaves it out, and the page is then read from the database
 *   (then the app is left until its sync says "Up to date")
 *   action_to_paint_p50_ms a click on Favourite until its button shows it done (aria-pressed), on
 *                          five posts of the timeline; median over all the clicks
 *   view_switch_p50_ms     home → notifications → #Caturday → a thread (a reply whose parent is
 *                          stored) → home, by the hash route, each until its first cards are painted;
 *                          median over every switch of every run
 *   scroll_longtasks       long tasks (over 50 ms, PerformanceObserver "longtask") on the page's main
 *                          thread while the ranked timeline is scrolled through --scroll-posts posts
 *                          (2,000) at --scroll-px pixels (120) an animation frame, pages loading as
 *                          the list asks for them
 *   scroll_fps_p5          the 5th percentile of frames per second over that scroll (1000 / the gap
 *                          between animation frames)
 *   renderer_heap_mb       the page's JS heap in use after the scroll, after a garbage collection
 *                          (CDP Runtime.getHeapUsage); worker_heap_mb the same for the data worker
 *   first_page_returning_ms  first_page_ms as a person who uses the app meets it: the app closed
 *                          (the page left for about:blank) and opened again twice, each time left
 *                          until its sync is done, and the third opening measured. The browser then
 *                          has the app's files in its HTTP cache (the server marks vite's hashed
 *                          assets immutable, as a host of the web edition would) and, from the
 *                          third time, V8's compiled code for them, as the desktop app has
 *                          (src-main registers app:// with codeCache)
 * --start-only measures first_page_ms and first_page_returning_ms only, for quicker runs.
 * Medians over --runs runs (3); each run's numbers are printed as it ends, with a line of detail:
 * marks of the start (the app's shell drawn, the first card in the DOM, the engine's status shown),
 * its long tasks, the engine's commands the page called before the first page was painted and during
 * each view switch, each with when its answer came (comlink's messages to the worker, seen by the
 * page), the favourites the server received, the scroll's length and its longest task. The last line
 * printed is one JSON object with the medians, "posts" and "where": "chromium". --trace DIR writes Chrome traces
 * (JS samples included) of the first run's first page (from navigation to the cards painted), view
 * switches, scroll and returning first page into DIR, for DevTools' Performance panel or Perfetto; --unminified builds the
 * app without minifying, so that they name its functions.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { DATABASE_DIRECTORY, DATABASE_FILE } from '../src-worker/host';
import { keptPageText } from '../src-worker/kept-page';
import { NativeDatabase } from './native-db';
import { LATEST_SCHEMA_VERSION } from '../src-worker/db/migrate';
import { systemClock } from '../src-worker/mastodon/clock';
import { beginSignIn, exchangeCode, readCallback, registerApp } from '../src-worker/mastodon/oauth';
import { saveNotifications } from '../src-worker/store/notifications';
import { writeSetting } from '../src-worker/store/settings';
import { launchBrowser } from '../test/support/browser';
import { approveInBrowser } from '../test/support/fediverse';
import { startSimulator, type Simulator } from '../test/simulator/server';
import { World, type SimStatus } from '../test/simulator/world';
import { MASTODON_LIMITS, type RateLimitConfig } from '../test/simulator/rate-limits';
import { HOME_INSTANCE, StatusGenerator, type Author } from './generate';
import { buildHistory } from './history';
import { median, pageHeapMb, round, servePageWithDatabase, workerHeapMb } from './chromium';
import type { PrepareRequest } from './ui-page/main';
import type { EngineClient } from '../src-renderer/engine-client';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    'scroll-posts': { type: 'string', default: '2000' },
    'scroll-px': { type: 'string', default: '120' },
    trace: { type: 'string' },
    unminified: { type: 'boolean', default: false },
    'start-only': { type: 'boolean', default: false },
    'no-kept-page': { type: 'boolean', default: false },
  },
});

const ROOT = path.resolve(import.meta.dirname, '..');
const SEED = 42;
const USERNAME = 'reader';
const PASSWORD = 'benchmark';
const HASHTAG = 'Caturday';
const NOTIFICATIONS = 2000;
/** A database older than this is built again: its newest post would be too far from now. */
const MAX_AGE_MS = 12 * 3600_000;
const VIEWPORT = { width: 1280, height: 900 };
const TIMELINE = 'section.post-list[aria-label="Timeline"]';
/** What the page says on its console once the first page is painted. */
const FIRST_PAGE_SIGNAL = 'corgi-bench: first page painted';

interface Built {
  posts: number;
  /** When it was built: its newest post is a minute older. */
  builtAt: number;
}

function generatorFor(built: Built): StatusGenerator {
  return new StatusGenerator(SEED, 3000, 8000, { newest: built.builtAt - 60_000, threads: true });
}

/** The person's own account as the generator's statuses name it (the id is the database's). */
function me(generator: StatusGenerator): Author {
  const url = `https://${HOME_INSTANCE}/@${USERNAME}`;
  return {
    username: USERNAME,
    instance: HOME_INSTANCE,
    acct: USERNAME,
    id: '1',
    url,
    json: {
      ...generator.authors[0]!.json,
      id: '1',
      username: USERNAME,
      acct: USERNAME,
      display_name: 'Reader',
      url,
      uri: `https://${HOME_INSTANCE}/users/${USERNAME}`,
    },
  };
}

/** The schema version of the database in `file`: one older than the app's would be migrated at open. */
function storedSchema(file: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/** The database in `directory`, built unless one young enough with as many posts is there. */
async function ensureDatabase(directory: string, posts: number): Promise<Built> {
  const metaFile = path.join(directory, 'bench-ui.json');
  const file = path.join(directory, DATABASE_FILE);
  if (!values.rebuild && fs.existsSync(metaFile) && fs.existsSync(file)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Built;
    const age = Date.now() - meta.builtAt;
    if (meta.posts === posts && age < MAX_AGE_MS && storedSchema(file) === LATEST_SCHEMA_VERSION) {
      console.log(`Using the database in ${directory} (built ${Math.round(age / 60_000)} min ago).`);
      return meta;
    }
  }
  for (const name of [DATABASE_FILE, `${DATABASE_FILE}-journal`, 'bench-ui.json'])
    fs.rmSync(path.join(directory, name), { force: true });
  const built: Built = { posts, builtAt: Date.now() };
  console.log(`Building ${posts} posts in ${directory}…`);
  const generator = generatorFor(built);
  await buildHistory(directory, {
    posts,
    generator,
    account: { instance: HOME_INSTANCE, remoteId: '1', acct: USERNAME, displayName: 'Reader' },
    more: async (db, accountId, now) => {
      const notifications = generator.notifications(NOTIFICATIONS, me(generator));
      await db.transaction(async (tx) => {
        for (let i = 0; i < notifications.length; i += 200)
          await saveNotifications(tx, accountId, notifications.slice(i, i + 200), now);
        // Checked in the background within the week, as a database in use has been.
        await writeSetting(tx, 'integrity', { completedAt: now, progress: null });
      });
    },
  });
  fs.writeFileSync(metaFile, JSON.stringify(built));
  return built;
}

/**
 * Points the database's account at the simulator's user (its server's host and its id there):
 * the account, and the server replies are linked through.
 */
function pointAccountAt(file: string, host: string, remoteId: string): void {
  const db = new BetterSqlite3(file);
  try {
    db.transaction(() => {
      const { instance } = db.prepare('SELECT instance FROM accounts WHERE id = 1').get() as {
        instance: string;
      };
      db.prepare('UPDATE accounts SET instance = ?, remote_id = ?, acct = ? WHERE id = 1').run(
        host,
        remoteId,
        `${USERNAME}@${host}`,
      );
      db.prepare('UPDATE statuses SET reply_instance = ? WHERE reply_instance = ?').run(host, instance);
    })();
  } finally {
    db.close();
  }
}

/**
 * The home timeline's first page as the app keeps it for its next start (src-worker/kept-page.ts),
 * read from the database as it is now: what a profile in use holds beside its database.
 */
async function pageToKeep(file: string): Promise<string | null> {
  const db = new NativeDatabase(file);
  try {
    return await keptPageText(db, Date.now());
  } finally {
    await db.close();
  }
}

/** The newest reply whose parent is stored: a thread to open. */
function threadToOpen(file: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const row = db
      .prepare(
        `SELECT s.id FROM statuses s WHERE s.in_reply_to_remote_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM status_refs r WHERE r.remote_id = s.in_reply_to_remote_id)
         ORDER BY s.created_at DESC LIMIT 1`,
      )
      .get() as { id: number } | undefined;
    if (!row) throw new Error('no stored reply has its parent stored');
    return row.id;
  } finally {
    db.close();
  }
}

/** The web app as shipped (no test hooks), built into `outDir` in a child process. */
function buildApp(outDir: string): void {
  const env = { ...process.env };
  delete env.CORGI_TEST_HOOKS;
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const child = spawnSync(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      'vite.web.config.ts',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
      ...(values.unminified ? ['--minify', 'false'] : []),
    ],
    { cwd: ROOT, env, stdio: 'inherit' },
  );
  if (child.status !== 0) throw new Error(`building the web app failed (exit ${child.status})`);
}

/** Signs the simulator's user in from here, as the app would: its registration and its token. */
async function signIn(simulator: Simulator, appUrl: string) {
  const app = await registerApp({ instance: simulator.url, redirectUri: appUrl });
  const { url, pending } = await beginSignIn(app);
  const callback = await approveInBrowser(url, { username: USERNAME, password: PASSWORD });
  const token = await exchangeCode(app, pending, readCallback(callback, pending));
  return { app, token: token.access_token };
}

/** The posts of the timeline's first entries by URI (a boost's by both), as the world's statuses. */
function statusesByUri(generator: StatusGenerator, posts: number): Map<string, SimStatus> {
  const byUri = new Map<string, SimStatus>();
  for (let i = 0; i < Math.min(posts, 10_000); i++) {
    const entry = generator.status(i);
    const inner = (entry.reblog ?? entry) as Record<string, unknown>;
    const json = { ...inner };
    for (const key of ['account', 'quote', 'favourited', 'reblogged', 'bookmarked', 'muted', 'filtered'])
      delete json[key];
    const status: SimStatus = {
      id: String(inner.id),
      accountId: String((inner.account as { id: string }).id),
      createdMs: Date.parse(String(inner.created_at)),
      json,
      reblogOf: null,
      quoteOf: null,
      inReplyTo: null,
      tags: (inner.tags as { name: string }[]).map((t) => t.name),
      deleted: false,
      malformed: false,
    };
    byUri.set(String(inner.uri), status);
    byUri.set(String(entry.uri), status);
  }
  return byUri;
}

// --- In the page ----------------------------------------------------------------------------------

interface BenchWindow {
  longtasks: [number, number][];
  /** The engine's commands the page called (comlink's messages to the worker): sent, answered. */
  calls: [string, number, number | null][];
  marks: Record<string, number>;
  firstPage: { ms: number; cards: number; filled: boolean } | null;
  /** Resolves once `check` holds (looked at after every change to the page), with the time then. */
  until(check: () => boolean, timeoutMs?: number): Promise<number>;
  /** The time at the task after the next animation frame: the frame holding what is there now. */
  painted(): Promise<number>;
}

declare global {
  interface Window {
    bench: BenchWindow;
  }
}

/**
 * Runs in the app's page before any of its scripts: long tasks from the start, the first page of
 * the timeline painted, and marks along the way (the app's shell drawn, the engine ready).
 */
function instrumentPage({ timeline, signal }: { timeline: string; signal: string }): void {
  if (location.pathname !== '/') return;
  const painted = () =>
    new Promise<number>((resolve) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      }),
    );
  const until = (check: () => boolean, timeoutMs = 60_000) =>
    new Promise<number>((resolve, reject) => {
      if (check()) return resolve(performance.now());
      const observer = new MutationObserver(() => {
        if (!check()) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve(performance.now());
      });
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`still waiting after ${timeoutMs} ms: ${check.toString()}`));
      }, timeoutMs);
      observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
    });
  const bench: BenchWindow = { longtasks: [], calls: [], marks: {}, firstPage: null, until, painted };
  window.bench = bench;
  // Each command to the worker (comlink sends { id, type, path }) and when its answer comes back.
  const pending = new Map<string, [string, number, number | null]>();
  window.Worker = class extends window.Worker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.addEventListener('message', (event: MessageEvent<{ id?: string } | null>) => {
        const call = event.data?.id === undefined ? undefined : pending.get(event.data.id);
        if (call) call[2] = performance.now();
      });
    }
    override postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
      const { id, path } = (message ?? {}) as { id?: string; path?: string[] };
      if (id !== undefined && path) {
        const call: [string, number, number | null] = [path.join('.'), performance.now(), null];
        bench.calls.push(call);
        pending.set(id, call);
      }
      super.postMessage(message, transfer as Transferable[]);
    }
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longtasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const mark = (name: string, check: () => boolean) =>
    void until(check).then((at) => (bench.marks[name] = at));
  mark('shell', () => document.querySelector('.app') !== null);
  mark('engine_ready', () => /stored/.test(document.querySelector('.app-status')?.textContent ?? ''));
  mark('first_card', () => document.querySelector(`${timeline} article`) !== null);
  void until(() => document.querySelector(`${timeline} article`) !== null).then(async () => {
    const ms = await painted();
    // Whether the cards painted reach the bottom of the list's part of the window.
    const list = document.querySelector(timeline)!.getBoundingClientRect();
    const cards = [...document.querySelectorAll(`${timeline} article`)];
    const bottom = Math.max(...cards.map((card) => card.getBoundingClientRect().bottom));
    bench.firstPage = { ms, cards: cards.length, filled: bottom >= Math.min(list.bottom, innerHeight) - 1 };
    // Heard by the benchmark through the browser's console events (open()).
    console.debug(signal);
  });
}

/**
 * Goes to a hash route and waits until `selector` is painted: how long it took, and the engine's
 * commands meanwhile (with when each was answered, from the start).
 */
function switchView(page: Page, hash: string, selector: string): Promise<{ ms: number; calls: string[] }> {
  return page.evaluate(
    async ({ hash, selector }) => {
      const started = performance.now();
      const before = window.bench.calls.length;
      location.hash = hash;
      await window.bench.until(() => document.querySelector(selector) !== null);
      const ms = (await window.bench.painted()) - started;
      const calls = window.bench.calls
        .slice(before)
        .map(([name, , answered]) => `${name}→${answered === null ? '…' : Math.round(answered - started)}`);
      return { ms, calls };
    },
    { hash, selector },
  );
}

/** Clicks Favourite on the card of `uri` and waits until the button is painted pressed. */
function favourite(page: Page, uri: string): Promise<number> {
  return page.evaluate(
    async ({ uri, timeline }) => {
      const card = `${timeline} article[data-post-uri="${CSS.escape(uri)}"]`;
      const button = document.querySelector<HTMLButtonElement>(`${card} .action-favourite button`)!;
      const started = performance.now();
      button.click();
      await window.bench.until(
        () => document.querySelector(`${card} .action-favourite button[aria-pressed="true"]`) !== null,
      );
      return (await window.bench.painted()) - started;
    },
    { uri, timeline: TIMELINE },
  );
}

interface ScrollResult {
  frames: number[];
  longtasks: number;
  longestTaskMs: number;
  ms: number;
  passed: number;
}

/**
 * Scrolls the timeline `px` pixels every animation frame until the card at its top is post `posts`
 * (the list loads pages as it asks for them); the gaps between frames and the long tasks meanwhile.
 */
function scroll(page: Page, posts: number, px: number): Promise<ScrollResult> {
  return page.evaluate(
    async ({ posts, px, timeline }) => {
      const list = document.querySelector<HTMLElement>(timeline)!;
      const frames: number[] = [];
      const started = performance.now();
      const firstIndex = () => {
        let lowest = Infinity;
        for (const slot of list.querySelectorAll<HTMLElement>('[data-index]')) {
          if (slot.getBoundingClientRect().bottom > list.getBoundingClientRect().top)
            lowest = Math.min(lowest, Number(slot.dataset.index));
        }
        return lowest;
      };
      await new Promise<void>((resolve, reject) => {
        let last = 0;
        const frame = (at: number) => {
          if (last > 0) frames.push(at - last);
          last = at;
          if (firstIndex() >= posts) return resolve();
          if (performance.now() - started > 600_000)
            return reject(new Error(`scrolled only to post ${firstIndex()} in ten minutes`));
          list.scrollTop += px;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      const ended = performance.now();
      // Long tasks are reported a little after they end.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const during = window.bench.longtasks.filter(([at]) => at >= started && at <= ended);
      return {
        frames,
        longtasks: during.length,
        longestTaskMs: Math.max(0, ...during.map(([, duration]) => duration)),
        ms: ended - started,
        passed: firstIndex(),
      };
    },
    { posts, px, timeline: TIMELINE },
  );
}

/**
 * Starts a Chrome trace of the page's renderer (its main thread and the worker's, with JS samples);
 * what it returns ends it and writes it to a file that DevTools' Performance panel or Perfetto opens.
 */
async function startTrace(page: Page): Promise<(file: string) => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'disabled-by-default-devtools.timeline.frame',
        'v8.execute',
        'disabled-by-default-v8.cpu_profiler',
        'blink.user_timing',
        'loading',
      ],
    },
  });
  return async (file) => {
    const complete = new Promise<string>((resolve) =>
      cdp.once('Tracing.tracingComplete', (event) => resolve(event.stream!)),
    );
    await cdp.send('Tracing.end');
    const stream = await complete;
    const chunks: string[] = [];
    for (let eof = false; !eof;) {
      const read = await cdp.send('IO.read', { handle: stream });
      chunks.push(read.base64Encoded ? Buffer.from(read.data, 'base64').toString() : read.data);
      eof = read.eof;
    }
    await cdp.send('IO.close', { handle: stream });
    fs.writeFileSync(file, chunks.join(''));
    await cdp.detach();
    console.log(`  trace written to ${file}`);
  };
}

// --- One run --------------------------------------------------------------------------------------

interface Setup {
  url: string;
  prepare: PrepareRequest;
  simulator: Simulator;
  statuses: Map<string, SimStatus>;
  threadId: number;
  pictures: { photo: Buffer; avatar: Buffer } | null;
  /** Whether the first page has been traced (--trace: the first run's only). */
  traced?: boolean;
}

interface RunResult {
  first_page_ms: number;
  first_page_returning_ms: number;
  scroll_longtasks: number;
  scroll_fps_p5: number;
  view_switch_p50_ms: number;
  action_to_paint_p50_ms: number;
  renderer_heap_mb: number;
  worker_heap_mb: number;
  detail: Record<string, unknown>;
}

interface Opened {
  firstPage: { ms: number; cards: number; filled: boolean };
  checkedAtOpen: boolean;
  calls: string[];
  longtasks: number[][];
}

/**
 * Opens the app and waits for its first page painted: when, and what the page did until then. It
 * is heard from the page's console: waiting with Playwright's own means (waitForFunction, locators)
 * would put Playwright's script in the page as it starts, and poll it every frame, on the main
 * thread the first page is drawn on (about 20 ms of it in a fresh profile).
 */
async function open(page: Page, url: string): Promise<Opened> {
  const shown = page.waitForEvent('console', {
    predicate: (message) => message.text() === FIRST_PAGE_SIGNAL,
    timeout: 120_000,
  });
  await page.goto(url);
  await shown;
  return page.evaluate(async () => ({
    firstPage: window.bench.firstPage!,
    // Whether the database was checked as it opened (after an unclean stop), which a first page
    // waits for.
    checkedAtOpen: (await (window as unknown as { corgi: EngineClient }).corgi.status()).checkedAtOpen,
    calls: window.bench.calls
      .filter(([, sent]) => sent < window.bench.firstPage!.ms)
      .map(
        ([name, sent, answered]) =>
          `${name} ${Math.round(sent)}→${answered === null ? '…' : Math.round(answered)}`,
      ),
    longtasks: window.bench.longtasks.map(([at, duration]) => [Math.round(at), Math.round(duration)]),
  }));
}

function firstDetail(opened: Opened) {
  return {
    first_page_cards: opened.firstPage.cards,
    first_page_filled: opened.firstPage.filled,
    checked_at_open: opened.checkedAtOpen,
    start_longtasks: opened.longtasks,
    start_calls: opened.calls,
  };
}

/** Waits for the app's sync to say it is up to date, and a second more. */
async function settled(page: Page): Promise<void> {
  await page
    .locator('.sync-state', { hasText: 'Up to date' })
    .waitFor({ state: 'attached', timeout: 120_000 });
  await page.waitForTimeout(1000);
}

const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function run(setup: Setup, pooled: { actions: number[]; views: number[] }): Promise<RunResult> {
  // The server as before the first run: the favourites of the runs before forgotten (the app's sync
  // would bring them in, and their cards would offer no favourite).
  const user = setup.simulator.world.userByName(USERNAME)!;
  user.favourites = [];
  user.favourited.clear();
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize(VIEWPORT);
    page.on('pageerror', (error) => console.error(`  [chromium] page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        console.log(`  [chromium] ${message.text()}`);
    });
    await page.goto(new URL('bench-ui/index.html', setup.url).href);
    await page.waitForFunction(() => typeof window.uiPrepare === 'function');
    const imported = await page.evaluate((request) => window.uiPrepare(request), setup.prepare);
    if (!setup.pictures) {
      const drawn = await page.evaluate(() => window.uiPictures());
      setup.pictures = {
        photo: Buffer.from(drawn.photo, 'base64'),
        avatar: Buffer.from(drawn.avatar, 'base64'),
      };
    }
    const pictures = setup.pictures;
    let served = 0;
    await browser.context.route(/^https:\/\//, (route) => {
      const url = route.request().url();
      served++;
      if (!/\.(jpe?g|png|gif|webp)(\?|$)/i.test(url)) return route.fulfill({ status: 404 });
      return route.fulfill({
        status: 200,
        contentType: 'image/jpeg',
        headers: { 'cache-control': 'max-age=86400' },
        body: url.includes('/avatars/') ? pictures.avatar : pictures.photo,
      });
    });
    // tsx keeps the names of functions with a helper of its own, which the functions sent to the
    // page call: the page gets one too.
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.addInitScript(instrumentPage, { timeline: TIMELINE, signal: FIRST_PAGE_SIGNAL });

    // The first page, cold: a fresh renderer and worker on the database as imported.
    // --trace: the first run's first page, view switches and scroll, each traced on its own.
    const traced = values.trace !== undefined && !setup.traced;
    setup.traced = true;
    const trace = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      if (!traced) return work();
      const end = await startTrace(page);
      const result = await work();
      await end(path.join(values.trace!, `${name}.json`));
      return result;
    };
    const first = await trace('first-page', () => open(page, setup.url));

    // Then the app as it settles: its sync done.
    const syncStarted = performance.now();
    await settled(page);
    const syncMs = performance.now() - syncStarted;
    const marks = await page.evaluate(() => window.bench.marks);
    // Opened again twice, as a person who uses it does: the browser has the app's code (and, from
    // the third time, its compiled code) kept; the third is measured.
    const returning = async () => {
      // Closed first, as the app is between two starts: its worker gone, and its database free.
      await page.goto('about:blank');
      await page.waitForTimeout(500);
      await open(page, setup.url);
      await settled(page);
      await page.goto('about:blank');
      await page.waitForTimeout(500);
      const again = await trace('first-page-returning', () => open(page, setup.url));
      await settled(page);
      return again;
    };
    if (values['start-only']) {
      const again = await returning();
      return {
        first_page_ms: round(first.firstPage.ms),
        first_page_returning_ms: round(again.firstPage.ms),
        scroll_longtasks: NaN,
        scroll_fps_p5: NaN,
        view_switch_p50_ms: NaN,
        action_to_paint_p50_ms: NaN,
        renderer_heap_mb: NaN,
        worker_heap_mb: NaN,
        detail: { first: firstDetail(first), returning: firstDetail(again) },
      };
    }

    // Favourites on the first cards that offer one, each post known to the server first.
    const uris = await page.evaluate(
      (timeline) =>
        [...document.querySelectorAll<HTMLElement>(`${timeline} article`)]
          .filter((a) => a.querySelector('.action-favourite button[aria-pressed="false"]:not([disabled])'))
          .map((a) => a.dataset.postUri!),
      TIMELINE,
    );
    const known = uris.filter((uri) => setup.statuses.has(uri)).slice(0, 5);
    if (known.length === 0) throw new Error('no card on screen offers a favourite');
    const clicks: number[] = [];
    for (const uri of known) {
      const status = setup.statuses.get(uri)!;
      setup.simulator.world.statuses.set(status.id, status);
      clicks.push(round(await favourite(page, uri)));
      await page.waitForTimeout(300);
    }
    pooled.actions.push(...clicks);
    const deadline = Date.now() + 20_000;
    const reached = () => known.filter((uri) => user.favourited.has(setup.statuses.get(uri)!.id)).length;
    while (reached() < known.length && Date.now() < deadline) await page.waitForTimeout(100);

    // Home → notifications → a hashtag → a thread → home.
    const switches = await trace('views', async () => ({
      notifications: await switchView(
        page,
        '#/notifications',
        'section.notifications[aria-label="Notifications"] article',
      ),
      hashtag: await switchView(
        page,
        `#/tags/${HASHTAG}`,
        `section.post-list[aria-label="#${HASHTAG}"] article`,
      ),
      thread: await switchView(page, `#/thread/${setup.threadId}`, '.thread-focus article'),
      home: await switchView(page, '#/', `${TIMELINE} article`),
    }));
    const views = Object.fromEntries(Object.entries(switches).map(([view, { ms }]) => [view, round(ms)]));
    pooled.views.push(...Object.values(views));
    await page.waitForTimeout(500);

    const scrolled = await trace('scroll', () =>
      scroll(page, Number(values['scroll-posts']), Number(values['scroll-px'])),
    );
    const fps = scrolled.frames.map((gap) => 1000 / gap);
    const cdp = await browser.context.newCDPSession(page);
    const rendererHeap = await pageHeapMb(cdp);
    const workerHeap = await workerHeapMb(cdp);
    await cdp.detach();
    const again = await returning();
    return {
      first_page_ms: round(first.firstPage.ms),
      first_page_returning_ms: round(again.firstPage.ms),
      scroll_longtasks: scrolled.longtasks,
      scroll_fps_p5: round(percentile(fps, 5)),
      view_switch_p50_ms: round(median(Object.values(views))),
      action_to_paint_p50_ms: round(median(clicks)),
      renderer_heap_mb: Math.round(rendererHeap),
      worker_heap_mb: Math.round(workerHeap),
      detail: {
        import_ms: imported.ms,
        ...firstDetail(first),
        marks: Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, round(v)])),
        returning: firstDetail(again),
        sync_after_first_page_ms: Math.round(syncMs),
        favourites_ms: clicks,
        favourites_on_server: `${reached()}/${known.length}`,
        views,
        view_calls: Object.fromEntries(Object.entries(switches).map(([view, { calls }]) => [view, calls])),
        scroll_s: round(scrolled.ms / 1000),
        scroll_frames: scrolled.frames.length,
        scroll_fps_p50: round(percentile(fps, 50)),
        scroll_longest_task_ms: round(scrolled.longestTaskMs),
        scrolled_to_post: scrolled.passed,
        https_requests: served,
      },
    };
  } finally {
    await browser.close();
  }
}

// --- Main -----------------------------------------------------------------------------------------

const posts = Number(values.posts);
const runs = Number(values.runs);
const directory = values.keep ?? path.join(os.tmpdir(), `corgi-bench-ui-${posts}`);
fs.mkdirSync(directory, { recursive: true });
if (values.trace) fs.mkdirSync(values.trace, { recursive: true });
const built = await ensureDatabase(directory, posts);
const databaseFile = path.join(directory, DATABASE_FILE);

const world = new World({
  clock: systemClock,
  seed: SEED,
  statuses: 0,
  users: [{ username: USERNAME, password: PASSWORD, favourites: 0, bookmarks: 0 }],
});
// Mastodon's throttles, each ten times as wide: every run opens the app three times, each start
// syncing again, far more often than a person restarts it; what is measured is the screen.
const simulator = await startSimulator({
  world,
  clock: systemClock,
  limits: Object.fromEntries(
    Object.entries(MASTODON_LIMITS).map(([name, { limit, periodMs }]) => [
      name,
      { limit: limit * 10, periodMs },
    ]),
  ) as unknown as RateLimitConfig,
});
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-bench-ui-web-'));
try {
  console.log('Building the web app…');
  buildApp(root);
  const server = await servePageWithDatabase('bench/ui-page', databaseFile, {
    root,
    outDir: path.join(root, 'bench-ui'),
  });
  try {
    const { app, token } = await signIn(simulator, server.url);
    pointAccountAt(databaseFile, new URL(simulator.url).host, world.userByName(USERNAME)!.accountId);
    const setup: Setup = {
      url: server.url,
      simulator,
      prepare: {
        import: {
          type: 'import',
          url: new URL(`bench-ui/${DATABASE_FILE}`, server.url).href,
          directory: DATABASE_DIRECTORY,
          bytes: fs.statSync(databaseFile).size,
        },
        accountId: 1,
        token,
        app,
        keptPage: values['no-kept-page'] ? null : await pageToKeep(databaseFile),
      },
      statuses: statusesByUri(generatorFor(built), posts),
      threadId: threadToOpen(databaseFile),
      pictures: null,
    };
    const results: RunResult[] = [];
    const pooled = { actions: [] as number[], views: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const result = await run(setup, pooled);
      const { detail, ...numbers } = result;
      console.log(`  run ${i + 1}: ${JSON.stringify(numbers)}`);
      console.log(`    ${JSON.stringify(detail)}`);
      results.push(result);
    }
    const summary = {
      where: 'chromium',
      posts,
      first_page_ms: median(results.map((r) => r.first_page_ms)),
      first_page_returning_ms: median(results.map((r) => r.first_page_returning_ms)),
      scroll_longtasks: median(results.map((r) => r.scroll_longtasks)),
      scroll_fps_p5: median(results.map((r) => r.scroll_fps_p5)),
      view_switch_p50_ms: median(pooled.views),
      action_to_paint_p50_ms: median(pooled.actions),
      renderer_heap_mb: median(results.map((r) => r.renderer_heap_mb)),
      worker_heap_mb: median(results.map((r) => r.worker_heap_mb)),
    };
    // (--start-only measures the first pages alone: the rest is left out.)
    console.log(JSON.stringify(summary, (_, value: unknown) => (Number.isNaN(value) ? undefined : value)));
  } finally {
    await server.close();
  }
} finally {
  await simulator.close();
  fs.rmSync(root, { recursive: true, force: true });
}
