/**
 * The data worker in the app: wa-sqlite on OPFS (AccessHandlePoolVFS: this worker alone owns the
 * database, and it writes fastest), its renderer-facing commands exposed to the page with comlink.
 *
 * This entry is kept small: it starts SQLite (fetching and compiling its wasm) and opens the pool
 * of files at once, while the engine's own code (worker-engine.ts, most of the worker) is fetched,
 * compiled and evaluated beside them; the page's first calls wait for both.
 */
import * as Comlink from 'comlink';
import * as SQLite from '@journeyapps/wa-sqlite';
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs';
import wasmUrl from '@journeyapps/wa-sqlite/dist/wa-sqlite.wasm?url';
import { AccessHandlePoolVFS } from '@journeyapps/wa-sqlite/src/examples/AccessHandlePoolVFS.js';
import { EngineError } from './errors';
import { DATABASE_DIRECTORY, type EngineHost, type FileVFS } from './host';
import {
  FIRST_PAGE_SIZE,
  HOME_FIRST_WORKER,
  type RendererApi,
  type TimelinePage,
  type TimelineQuery,
} from '../src-shared/worker-api';
import type { FirstPage } from './first-page';
import { deferredSurface } from './deferred-surface';
import { parseKeptPage } from './kept-page-format';
import { opfsKeptPage, writeWholeFile } from './opfs-kept-page';
import type { KeptPageStore } from './host';

const RECOVERED_DIRECTORY = 'corgi-recovered';

async function recoveredDirectory(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  const root = await navigator.storage.getDirectory();
  try {
    return await root.getDirectoryHandle(RECOVERED_DIRECTORY, { create });
  } catch {
    return null;
  }
}

/**
 * Opens the pool of OPFS files. After a reload or a crash the previous worker may still hold the
 * files' access handles for a moment, so opening is retried for a few seconds before Corgi says
 * the database is in use elsewhere. Each try first checks that every file is free, at once before
 * it: a failed create() would keep the handles it did get, and block every retry (and another
 * window's start).
 */
async function openPool(module: object): Promise<AccessHandlePoolVFS> {
  const deadline = Date.now() + 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      await probePool();
      return await AccessHandlePoolVFS.create(DATABASE_DIRECTORY, module);
    } catch (error) {
      if (Date.now() > deadline) {
        throw new EngineError(
          'storage_unavailable',
          `Corgi's database is in use by another Corgi window or tab, or storage is unavailable (${String(error)}).`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500)));
    }
  }
}

/** Throws if any file of the pool is still held by another worker; each handle it got is let go. */
async function probePool(): Promise<void> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(DATABASE_DIRECTORY, { create: true });
  const files: FileSystemFileHandle[] = [];
  const entries = (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
  for await (const handle of entries) if (handle.kind === 'file') files.push(handle as FileSystemFileHandle);
  const opened = await Promise.allSettled(files.map((file) => file.createSyncAccessHandle()));
  for (const result of opened) if (result.status === 'fulfilled') result.value.close();
  const refused = opened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (refused) throw refused.reason;
}

async function createOpfsHost(keptPage: KeptPageStore, before: Promise<unknown>): Promise<EngineHost> {
  const module: object = await SQLiteESMFactory({ locateFile: () => wasmUrl });
  const sqlite3 = SQLite.Factory(module);
  await before.catch(() => undefined);
  const vfs = await openPool(module);
  sqlite3.vfs_register(vfs as unknown as SQLiteVFS, false);
  return {
    sqlite3,
    vfs: vfs as unknown as FileVFS,
    storage: 'opfs',
    keptPage,
    async listRecoveredCopies() {
      const dir = await recoveredDirectory(false);
      const names: string[] = [];
      if (dir) for await (const name of dir.keys()) names.push(name);
      return names.sort().reverse();
    },
    async saveRecoveredCopy(name, bytes) {
      const dir = (await recoveredDirectory(true))!;
      await writeWholeFile(await dir.getFileHandle(name, { create: true }), bytes);
    },
    async deleteRecoveredCopies() {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(RECOVERED_DIRECTORY, { recursive: true }).catch(() => undefined);
    },
  };
}

/**
 * The home timeline's first page as the engine kept it at the last change (kept-page.ts), read
 * before SQLite is started; only while the database's files are free: in a second window, which
 * cannot open them, no posts are shown.
 */
async function readKeptPage(store: KeptPageStore, filesFree: Promise<void>): Promise<FirstPage | null> {
  const [text] = await Promise.all([store.read(), filesFree]);
  const kept = text === null ? null : parseKeptPage(text);
  return kept && { ...kept, servedAt: Date.now(), kept: text! };
}

const homeFirst = self.name === HOME_FIRST_WORKER;
const keptPage = opfsKeptPage();
const filesFree = homeFirst ? probePool() : Promise.resolve();
const hostReady = createOpfsHost(keptPage, filesFree);
// A failure reaches every call, through the engine's start.
hostReady.catch(() => undefined);
// When the page opens on the home timeline, that timeline's first page is read first: the kept
// one, or else from the database (first-page.ts); the engine's code is loaded after it. Otherwise
// the engine is loaded at once.
const firstPage: Promise<FirstPage | null> = homeFirst
  ? readKeptPage(keptPage, filesFree)
      .catch(() => null)
      .then(
        async (kept) =>
          kept ??
          (await import('./first-page').then(async ({ readFirstPage }) => readFirstPage(await hostReady))),
      )
      .catch(() => null)
  : Promise.resolve(null);
let pageGiven: (page: FirstPage) => void;
const given = new Promise<FirstPage>((resolve) => (pageGiven = resolve));
const surfaceReady = firstPage
  .then(() => import('./worker-engine'))
  .then(async ({ startEngine }) => startEngine(hostReady, given, (await firstPage)?.kept));
// Once the engine is open it answers every ask itself: what was read before it may be older.
let engineOpen = false;
surfaceReady.then(
  () => (engineOpen = true),
  () => (engineOpen = true),
);
Comlink.expose(withFirstPage(deferredSurface<RendererApi>(surfaceReady)));

/** The query the page asks the first page with (src-renderer/boot.ts), and nothing else. */
function isFirstPageQuery(query: unknown): boolean {
  if (typeof query !== 'object' || query === null) return false;
  const { order, limit, ...rest } = query as Record<string, unknown>;
  return order === 'ranked' && limit === FIRST_PAGE_SIZE && Object.keys(rest).length === 0;
}

/**
 * The surface the page calls, with the first page read at start answering the page's first ask
 * for it (and for the picture hosts), once each; every other call goes to the engine.
 */
function withFirstPage(surface: RendererApi): RendererApi {
  let hostsTaken = false;
  let pageTaken = false;
  const hosts = async (): Promise<string[]> => {
    const first = await firstPage;
    if (first && !hostsTaken && !engineOpen) {
      hostsTaken = true;
      return first.hosts;
    }
    return surface.images.hosts();
  };
  const page = async (query: TimelineQuery): Promise<TimelinePage> => {
    const first = await firstPage;
    if (first && !pageTaken && !engineOpen && isFirstPageQuery(query)) {
      pageTaken = true;
      pageGiven(first);
      return first.page;
    }
    return surface.timeline.page(query);
  };
  const replace = <G extends object>(group: G, key: string, command: unknown): G =>
    new Proxy(group, { get: (target, name) => (name === key ? command : Reflect.get(target, name)) });
  const images = replace(surface.images, 'hosts', hosts);
  const timeline = replace(surface.timeline, 'page', page);
  return new Proxy(surface, {
    get: (target, name) =>
      name === 'images' ? images : name === 'timeline' ? timeline : Reflect.get(target, name),
  });
}
