/**
 * The home timeline's first page, read from the database as the data worker starts when no page
 * was kept for this start (kept-page.ts), before the engine's code is loaded: the engine is most of
 * the worker's code, and compiling and evaluating it came before anything could be read. This
 * reader is small (the store's page reading, no schemas); the worker sends what it reads to the
 * page (worker.ts), then loads the engine, which logs the page as served (`timeline.served`).
 *
 * It reads only what the engine would serve as it is: it gives up (null), leaving the page to the
 * engine, when there is no database yet, a journal was left behind (the engine rolls it back and
 * checks the file), the schema is not the latest (the engine migrates), nothing is ranked yet (the
 * engine's first page ranks), or anything fails.
 */
import { Database } from './db/database';
import { LATEST_SCHEMA_VERSION, schemaVersion } from './db/migrate';
import { CONNECTION_PRAGMAS } from './db/pragmas';
import { DATABASE_FILE, vfsFileSize, type EngineHost } from './host';
import { imageHosts } from './store/image-hosts';
import { timelinePage } from './store/posts';
import { FIRST_PAGE_SIZE, type TimelinePage } from '../src-shared/worker-api';

export interface FirstPage {
  /** The hosts pictures may come from (`images.hosts`). */
  hosts: string[];
  page: TimelinePage;
  servedAt: number;
  /** The kept page's text (kept-page.ts), when the page is the one kept at the last change. */
  kept?: string;
}

export async function readFirstPage(host: EngineHost, now = Date.now()): Promise<FirstPage | null> {
  let db: Database | null = null;
  try {
    if (!(await vfsFileSize(host.vfs, DATABASE_FILE))) return null;
    if (((await vfsFileSize(host.vfs, `${DATABASE_FILE}-journal`)) ?? 0) > 0) return null;
    db = await Database.open(host.sqlite3, DATABASE_FILE, host.vfs.name);
    await db.exec(CONNECTION_PRAGMAS);
    if ((await schemaVersion(db)) !== LATEST_SCHEMA_VERSION) return null;
    const ranked = await db.get<{ n: number }>(
      'SELECT EXISTS (SELECT 1 FROM feed WHERE position IS NOT NULL) AS n',
    );
    if (!ranked?.n) return null;
    const hosts = await imageHosts(db);
    const page = await timelinePage(db, { order: 'ranked', limit: FIRST_PAGE_SIZE }, now);
    return { hosts, page, servedAt: now };
  } catch {
    return null;
  } finally {
    // (A connection that will not close holds no transaction, and is not used again.)
    await db?.close().catch(() => undefined);
  }
}
