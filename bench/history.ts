/**
 * A database with a long history of use, for the benchmarks that start the app on one (bench:scale,
 * bench:ui): N posts of the home timeline from the benchmark generator (one every 30 s), stored as
 * a year of use stores them, oldest page first, each page's posts as they arrived and each embedded
 * soon after, with the real migrations, ingest and embedding but on better-sqlite3 for speed; the
 * person's history over the whole of it (a view of one post in four, a favourite of one in fifty);
 * then ranked once by the app, as a database in use has been.
 */
import path from 'node:path';
import { migrate } from '../src-worker/db/migrate';
import type { Database } from '../src-worker/db/database';
import { OPEN_PRAGMAS, createWorkerApi } from '../src-worker/engine';
import { DATABASE_FILE } from '../src-worker/host';
import { ingestStatuses } from '../src-worker/ingest/ingest-statuses';
import { openNodeEngine } from '../src-worker/node/open-node-engine';
import { embedPending, RankingMemory } from '../src-worker/rank/ranking-store';
import { upsertAccount } from '../src-worker/store/accounts';
import type { AccountInput } from '../src-shared/worker-api';
import { HOME_INSTANCE, type StatusGenerator } from './generate';
import { NativeDatabase } from './native-db';

const round = (x: number): number => Math.round(x * 10) / 10;
const PAGE = 1000;

export interface HistoryOptions {
  posts: number;
  /** The statuses; everything is timed from its newest entry. */
  generator: StatusGenerator;
  /** The person's account; "me" on the generator's home instance by default. */
  account?: AccountInput;
  /** What else to store, after the posts and the person's history and before the first ranking. */
  more?: (db: NativeDatabase, accountId: number, now: number) => Promise<void>;
}

/** The clock of a database built by buildHistory: a minute after its newest post. */
export function historyNow(generator: StatusGenerator): number {
  return generator.newest + 60_000;
}

/** Builds the database in `directory` (under the app's file name). */
export async function buildHistory(directory: string, options: HistoryOptions): Promise<void> {
  const { posts, generator } = options;
  const now = historyNow(generator);
  const db = new NativeDatabase(path.join(directory, DATABASE_FILE));
  await db.exec(OPEN_PRAGMAS);
  await migrate(db as unknown as Database);
  const account = await db.transaction((tx) =>
    upsertAccount(
      tx,
      options.account ?? { instance: HOME_INSTANCE, remoteId: '1', acct: 'me', displayName: '' },
      now,
    ),
  );
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
          fetchedAt: generator.entryTime(page * PAGE) + 60_000,
        },
        now,
      );
      while ((await embedPending(tx, memory, now, PAGE)) > 0);
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
  await options.more?.(db, account.id, now);
  await db.close();
  // Ranked once by the app, as a database in use has been: what a cold start finds saved.
  const engine = await openNodeEngine({ directory, now: () => now });
  await createWorkerApi(engine).ranking.refresh();
  await engine.close();
  console.log(`  built ${posts} posts in ${round((performance.now() - started) / 1000)} s`);
}
