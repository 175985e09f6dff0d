/**
 * npm run bench:scale [-- --posts N --runs N --keep DIR --opfs]
 *
 * What a year of history costs at start-up. Builds a database of N posts from the benchmark
 * generator (one every 30 s, so the ranking's 72 hours always hold 8,640 of them and only the
 * history grows), each embedded, with the person's interactions over the whole history (a view of
 * one post in four, a favourite of one in fifty), with the real migrations, ingest and embedding
 * but on better-sqlite3 for speed; then ranked once by the app, as a database in use has been. Then,
 * in a fresh process each run, the app's own engine in Node
 * (wa-sqlite on the file) opens it and measures:
 *   open_ms            opening the database (checks and migrations included)
 *   first_page_ms      the first page of the timeline, newest first
 *   first_refresh_ms   the first ranking, cold (vectors, document frequencies, the person model)
 *   warm_refresh_ms    a ranking after that (median of three)
 *   rss_mb             the process's resident memory afterwards
 *   rebuild_refresh_ms a ranking after a favourite is undone: the person model built again
 * and db_bytes_per_post, the database file's size per post. Medians over the runs; the last line
 * printed is one JSON object, with "where": "node".
 *
 * --opfs measures the same in Debian's Chromium instead, on the web edition's storage stack: each
 * run launches Chromium on a fresh profile, imports the database as built (served over loopback
 * HTTP) into wa-sqlite's AccessHandlePoolVFS pool on OPFS, in the app's directory and under its file
 * name, from a module worker, streamed a few MB at a time; then, in a fresh worker, opens the app's
 * Engine on that pool as src-worker/worker.ts does and times the same steps with the same clock
 * (bench/scale-page, built with vite). open_ms there counts loading wa-sqlite and opening the pool
 * as well, as Node's counts loading wa-sqlite; the memory, read after the warm refreshes, is:
 *   rss_mb             the summed RSS of Chromium's whole process tree (browser, renderer hosting
 *                      the worker, GPU/utility/network processes; shared pages counted in each)
 *   worker_heap_mb     the worker's JS heap in use after a garbage collection (over CDP)
 *   wasm_mb            the worker's WebAssembly memories: SQLite's (page cache included) and the
 *                      ranking's vector index's (sqlite_wasm_mb: SQLite's alone)
 *   renderer_rss_mb    the RSS of the renderer process that hosts the page and the worker
 * with import_ms (the copy into OPFS, untimed by the rest) and engine_open_ms (Engine.open alone).
 * The last line then has "where": "opfs".
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate } from '../src-worker/db/migrate';
import type { Database } from '../src-worker/db/database';
import { OPEN_PRAGMAS, createWorkerApi } from '../src-worker/engine';
import { DATABASE_DIRECTORY, DATABASE_FILE } from '../src-worker/host';
import { ingestStatuses } from '../src-worker/ingest/ingest-statuses';
import { openNodeEngine } from '../src-worker/node/open-node-engine';
import { embedPending, RankingMemory } from '../src-worker/rank/ranking-store';
import { upsertAccount } from '../src-worker/store/accounts';
import { BASE_TIME, HOME_INSTANCE, StatusGenerator, entryTime } from './generate';
import { NativeDatabase } from './native-db';
import { launchBrowser } from '../test/support/browser';
import { serveDirectory } from '../test/support/static-server';
import { buildBenchPage } from './build-page';
import type { CDPSession } from 'playwright-core';
import type { ImportResult, WorkerMeasurement } from './scale-page/worker';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '30000' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'string' },
    measure: { type: 'string' },
    opfs: { type: 'boolean', default: false },
  },
});

const PAGE = 1000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number): number => Math.round(x * 10) / 10;

/** The time of the newest post: the generator's timeline ends at BASE_TIME. */
const NOW = BASE_TIME + 60_000;

async function build(directory: string, posts: number): Promise<void> {
  const db = new NativeDatabase(path.join(directory, DATABASE_FILE));
  await db.exec(OPEN_PRAGMAS);
  await migrate(db as unknown as Database);
  const account = await db.transaction((tx) =>
    upsertAccount(tx, { instance: HOME_INSTANCE, remoteId: '1', acct: 'me', displayName: '' }, NOW),
  );
  const generator = new StatusGenerator(42);
  const started = performance.now();
  const memory = new RankingMemory();
  // In the order a year of use stores them: the oldest page first, each page's posts as they
  // arrived, each embedded soon after.
  const pages = Math.ceil(posts / PAGE);
  for (let page = pages - 1; page >= 0; page--) {
    const generated = generator.page(page, PAGE, posts);
    await db.transaction(async (tx) => {
      await ingestStatuses(
        tx,
        {
          accountId: account.id,
          timeline: 'home',
          statuses: generated.statuses.reverse(),
          cursor: generated.maxId ? { maxId: generated.maxId } : {},
          limit: PAGE,
          // Fetched as they came, a minute after the newest of the page, as the stream does.
          fetchedAt: entryTime(page * PAGE) + 60_000,
        },
        NOW,
      );
      while ((await embedPending(tx, memory, NOW, PAGE)) > 0);
    });
    const done = pages - page;
    if (done % 50 === 0)
      console.log(`  built ${done * PAGE} posts (${round((performance.now() - started) / 1000)} s)`);
  }
  // The person's history, over the whole of it: views of one post in four, favourites of one in fifty.
  await db.transaction(async (tx) => {
    const rows = await tx.all<{ id: number; entry_at: number }>(
      `SELECT s.id, e.entry_at FROM statuses s JOIN timeline_entries e ON e.status_id = s.id ORDER BY s.id`,
    );
    for (const [i, row] of rows.entries()) {
      if (i % 4 === 0)
        await tx.run(
          'INSERT INTO interactions (account_id, status_id, kind, at, value) VALUES (?, ?, ?, ?, 1)',
          [account.id, row.id, 'view', row.entry_at + 600_000],
        );
      if (i % 50 === 0)
        await tx.run(
          'INSERT INTO interactions (account_id, status_id, kind, at, value) VALUES (?, ?, ?, ?, 1)',
          [account.id, row.id, 'favourite', row.entry_at + 900_000],
        );
    }
  });
  await db.close();
  // Ranked once by the app, as a database in use has been: what a cold start finds saved.
  const engine = await openNodeEngine({ directory, now: () => NOW });
  await createWorkerApi(engine).ranking.refresh();
  await engine.close();
  console.log(`  built ${posts} posts in ${round((performance.now() - started) / 1000)} s`);
}

interface Measurement {
  open_ms: number;
  first_page_ms: number;
  first_refresh_ms: number;
  warm_refresh_ms: number;
  rss_mb: number;
  rebuild_refresh_ms: number;
}

/** One cold start of the app's engine on the database, in this (fresh) process. */
async function measure(directory: string): Promise<Measurement> {
  let clock = NOW + 120_000;
  let started = performance.now();
  const engine = await openNodeEngine({ directory, now: () => clock });
  const open = performance.now() - started;
  const api = createWorkerApi(engine);
  started = performance.now();
  await api.timeline.page({ order: 'chronological', limit: 20 });
  const firstPage = performance.now() - started;
  started = performance.now();
  await api.ranking.refresh();
  const firstRefresh = performance.now() - started;
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    clock += 60_000;
    started = performance.now();
    await api.ranking.refresh();
    warm.push(performance.now() - started);
  }
  const rss = process.memoryUsage().rss / 1024 / 1024;
  // A favourite undone: the person model is built again from its windows.
  const favourite = await engine.read((tx) =>
    tx.get<{ status_id: number }>(
      "SELECT status_id FROM interactions WHERE kind = 'favourite' ORDER BY id DESC",
    ),
  );
  await api.interactions.undo({ statusId: favourite!.status_id, kind: 'favourite' });
  clock += 60_000;
  started = performance.now();
  await api.ranking.refresh();
  const rebuild = performance.now() - started;
  await engine.close();
  return {
    open_ms: round(open),
    first_page_ms: round(firstPage),
    first_refresh_ms: round(firstRefresh),
    warm_refresh_ms: round(median(warm)),
    rss_mb: Math.round(rss),
    rebuild_refresh_ms: round(rebuild),
  };
}

/** Every run in a fresh Node process, each on the database as built. */
function measureInNode(directory: string, runs: number): Measurement[] {
  const pristine = path.join(directory, 'pristine.db');
  fs.copyFileSync(path.join(directory, DATABASE_FILE), pristine);
  const results: Measurement[] = [];
  for (let run = 0; run < runs; run++) {
    // Each run on the database as built, in a fresh process: nothing warm but the OS's file cache.
    fs.copyFileSync(pristine, path.join(directory, DATABASE_FILE));
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, import.meta.filename, '--measure', directory],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    if (child.status !== 0) throw new Error(`measuring failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as Measurement;
    console.log(`  run ${run + 1}: ${JSON.stringify(result)}`);
    results.push(result);
  }
  fs.rmSync(pristine);
  return results;
}

// --- --opfs: the same in Chromium, on OPFS --------------------------------------------------------

const MB = 1048576;

/** One run in Chromium: what the worker measured, with Chromium's memory and the import. */
type OpfsMeasurement = Measurement &
  Omit<WorkerMeasurement, keyof Measurement> & {
    worker_heap_mb: number;
    renderer_rss_mb: number;
    import_ms: number;
  };

function readProc(pid: number, file: string): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The resident memory of the Chromium started on `profileDir`, from /proc: the sum of VmRSS over
 * its whole process tree (pages shared between processes, such as the executable's, counted once
 * per process: an upper bound), and the renderers' largest.
 */
function chromiumRss(profileDir: string): { treeMb: number; rendererMb: number } {
  const parent = new Map<number, number>();
  const commands = new Map<number, string>();
  let root: number | null = null;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProc(pid, 'stat');
    const cmdline = readProc(pid, 'cmdline');
    if (!stat || cmdline === null) continue;
    parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    commands.set(pid, cmdline);
    if (cmdline.includes(`--user-data-dir=${profileDir}`) && !cmdline.includes('--type=')) root = pid;
  }
  if (root === null) throw new Error(`no Chromium on ${profileDir}`);
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  let renderer = 0;
  for (const pid of tree) {
    const kb = Number(readProc(pid, 'status')?.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
    total += kb;
    if (commands.get(pid)?.includes('--type=renderer')) renderer = Math.max(renderer, kb);
  }
  return { treeMb: total / 1024, rendererMb: renderer / 1024 };
}

/**
 * The JS heap in use of the page's one dedicated worker, after a garbage collection, over CDP:
 * workers have no performance.memory. Playwright owns the flat sessions, so this attaches the old
 * non-flat way and talks through Target.sendMessageToTarget (as bench/engine.ts does).
 */
async function workerHeapMb(cdp: CDPSession): Promise<number> {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const workers = targetInfos.filter((t) => t.type === 'worker');
  if (workers.length !== 1) throw new Error(`expected one worker, found ${workers.length}`);
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: workers[0]!.targetId,
    flatten: false,
  });
  const pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
  const listener = (event: { sessionId?: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message);
  };
  cdp.on('Target.receivedMessageFromTarget', listener);
  let nextId = 1;
  const call = async (method: string): Promise<unknown> => {
    const id = nextId++;
    const answer = new Promise<{ result?: unknown; error?: unknown }>((resolve, reject) => {
      pending.set(id, resolve);
      setTimeout(() => reject(new Error(`${method}: no answer from the worker`)), 60_000);
    });
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    const message = await answer;
    pending.delete(id);
    if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
    return message.result;
  };
  try {
    await call('HeapProfiler.collectGarbage');
    const heap = (await call('Runtime.getHeapUsage')) as { usedSize: number };
    return heap.usedSize / MB;
  } finally {
    cdp.off('Target.receivedMessageFromTarget', listener);
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
  }
}

/** One run: a fresh Chromium and profile, the database imported, then measured in a fresh worker. */
async function measureInChromium(url: string, bytes: number, directory: string): Promise<OpfsMeasurement> {
  const browser = await launchBrowser();
  try {
    // The page the persistent context opens with: no second renderer in the RSS.
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (message) => console.log(`  [chromium] ${message.text()}`));
    page.on('pageerror', (error) => console.error(`  [chromium] page error: ${error.message}`));
    const cdp = await browser.context.newCDPSession(page);
    // Read at the worker's memory point (main.ts calls this while the worker waits): RSS first, as
    // it stands; then the worker's heap, after a collection.
    const memory: { rss?: { treeMb: number; rendererMb: number }; heapMb?: number } = {};
    await page.exposeFunction('scaleMemoryPoint', async () => {
      memory.rss = chromiumRss(browser.profileDir);
      memory.heapMb = await workerHeapMb(cdp);
    });
    await page.goto(url);
    await page.waitForFunction(() => typeof window.scaleMeasure === 'function');
    const imported: ImportResult = await page.evaluate((request) => window.scaleImport(request), {
      type: 'import' as const,
      url: new URL(DATABASE_FILE, url).href,
      directory,
      bytes,
    });
    const measured: WorkerMeasurement = await page.evaluate((request) => window.scaleMeasure(request), {
      type: 'measure' as const,
      directory,
      clock: NOW + 120_000,
    });
    if (!memory.rss || memory.heapMb === undefined)
      throw new Error('the worker never reached its memory point');
    return {
      open_ms: measured.open_ms,
      first_page_ms: measured.first_page_ms,
      first_refresh_ms: measured.first_refresh_ms,
      warm_refresh_ms: measured.warm_refresh_ms,
      rss_mb: Math.round(memory.rss.treeMb),
      rebuild_refresh_ms: measured.rebuild_refresh_ms,
      worker_heap_mb: Math.round(memory.heapMb),
      wasm_mb: measured.wasm_mb,
      sqlite_wasm_mb: measured.sqlite_wasm_mb,
      renderer_rss_mb: Math.round(memory.rss.rendererMb),
      import_ms: imported.ms,
      engine_open_ms: measured.engine_open_ms,
    };
  } finally {
    await browser.close();
  }
}

/** Every run in Chromium, on the database in `directory` (served read-only: it stays as built). */
async function runOpfs(directory: string, runs: number): Promise<OpfsMeasurement[]> {
  const bytes = fs.statSync(path.join(directory, DATABASE_FILE)).size;
  const opfsDirectory: string = DATABASE_DIRECTORY;
  const dist = buildBenchPage('bench/scale-page');
  // Served beside the page, from the same origin: a link, not a copy.
  const served = path.join(dist, DATABASE_FILE);
  fs.symlinkSync(path.resolve(directory, DATABASE_FILE), served);
  const server = await serveDirectory(dist);
  try {
    const results: OpfsMeasurement[] = [];
    for (let run = 0; run < runs; run++) {
      const result = await measureInChromium(server.url, bytes, opfsDirectory);
      console.log(`  run ${run + 1}: ${JSON.stringify(result)}`);
      results.push(result);
    }
    return results;
  } finally {
    await server.close();
    fs.unlinkSync(served);
    fs.rmSync(dist, { recursive: true, force: true });
  }
}

if (values.measure) {
  console.log(JSON.stringify(await measure(values.measure)));
} else {
  const posts = Number(values.posts);
  const directory = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'corgi-bench-scale-'));
  fs.mkdirSync(directory, { recursive: true });
  try {
    if (!fs.existsSync(path.join(directory, DATABASE_FILE))) {
      console.log(`Building ${posts} posts in ${directory}…`);
      await build(directory, posts);
    }
    const bytes = fs.statSync(path.join(directory, DATABASE_FILE)).size;
    const runs: Measurement[] = values.opfs
      ? await runOpfs(directory, Number(values.runs))
      : measureInNode(directory, Number(values.runs));
    const summary: Record<string, number | string> = {
      where: values.opfs ? 'opfs' : 'node',
      posts,
      db_bytes_per_post: Math.round(bytes / posts),
    };
    for (const key of Object.keys(runs[0]!) as (keyof Measurement)[])
      summary[key] = median(runs.map((r) => r[key]));
    console.log(JSON.stringify(summary));
  } finally {
    if (!values.keep) fs.rmSync(directory, { recursive: true, force: true });
  }
}
