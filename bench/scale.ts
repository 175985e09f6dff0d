/**
 * npm run bench:scale [-- --posts N --runs N --keep DIR]
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
 * printed is one JSON object.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate } from '../src-worker/db/migrate';
import type { Database } from '../src-worker/db/database';
import { OPEN_PRAGMAS, createWorkerApi } from '../src-worker/engine';
import { DATABASE_FILE } from '../src-worker/host';
import { ingestStatuses } from '../src-worker/ingest/ingest-statuses';
import { openNodeEngine } from '../src-worker/node/open-node-engine';
import { embedPending, RankingMemory } from '../src-worker/rank/ranking-store';
import { upsertAccount } from '../src-worker/store/accounts';
import { BASE_TIME, HOME_INSTANCE, StatusGenerator, entryTime } from './generate';
import { NativeDatabase } from './native-db';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '30000' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'string' },
    measure: { type: 'string' },
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
    const pristine = path.join(directory, 'pristine.db');
    fs.copyFileSync(path.join(directory, DATABASE_FILE), pristine);
    const runs: Measurement[] = [];
    for (let run = 0; run < Number(values.runs); run++) {
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
      runs.push(result);
    }
    fs.rmSync(pristine);
    const summary: Record<string, number> = { posts, db_bytes_per_post: Math.round(bytes / posts) };
    for (const key of Object.keys(runs[0]!) as (keyof Measurement)[])
      summary[key] = median(runs.map((r) => r[key]));
    console.log(JSON.stringify(summary));
  } finally {
    if (!values.keep) fs.rmSync(directory, { recursive: true, force: true });
  }
}
