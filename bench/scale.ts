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
import { createWorkerApi } from '../src-worker/engine';
import { DATABASE_DIRECTORY, DATABASE_FILE } from '../src-worker/host';
import { openNodeEngine } from '../src-worker/node/open-node-engine';
import { BASE_TIME, StatusGenerator } from './generate';
import { buildHistory } from './history';
import { chromiumRss, median, round, servePageWithDatabase, workerHeapMb } from './chromium';
import { launchBrowser } from '../test/support/browser';
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

/** The time the database was built at (buildHistory's clock): the generator's timeline ends at BASE_TIME. */
const NOW = BASE_TIME + 60_000;

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

/** One run in Chromium: what the worker measured, with Chromium's memory and the import. */
type OpfsMeasurement = Measurement &
  Omit<WorkerMeasurement, keyof Measurement> & {
    worker_heap_mb: number;
    renderer_rss_mb: number;
    import_ms: number;
  };

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
  const server = await servePageWithDatabase('bench/scale-page', path.join(directory, DATABASE_FILE));
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
      await buildHistory(directory, { posts, generator: new StatusGenerator(42) });
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
