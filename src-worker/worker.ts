/**
 * The data worker in the app: wa-sqlite on OPFS (AccessHandlePoolVFS: this worker alone owns the
 * database, and it writes fastest), its renderer-facing commands exposed to the page with comlink.
 */
import * as Comlink from 'comlink';
import * as SQLite from '@journeyapps/wa-sqlite';
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs';
import wasmUrl from '@journeyapps/wa-sqlite/dist/wa-sqlite.wasm?url';
import { AccessHandlePoolVFS } from '@journeyapps/wa-sqlite/src/examples/AccessHandlePoolVFS.js';
import { Engine, createWorkerApi } from './engine';
import { EngineError } from './errors';
import { DATABASE_DIRECTORY, type EngineHost, type FileVFS } from './host';
import type { RendererApi, WorkerApi } from '../src-shared/worker-api';
import { createRendererApi, deferredSurface, withTestHooks } from './edge';
import { systemClock } from './mastodon/clock';
import { MastodonService } from './mastodon/service';
import { WebVault } from './mastodon/web-vault';
import { HostVault } from './mastodon/host-vault';

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
 * the database is in use elsewhere.
 */
async function openPool(module: object): Promise<AccessHandlePoolVFS> {
  const deadline = Date.now() + 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      // Probe first: a failed create() would keep the handles it did get, and block every retry.
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

/** Throws if any file of the pool is still held by another worker. */
async function probePool(): Promise<void> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(DATABASE_DIRECTORY, { create: true });
  const entries = (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
  for await (const handle of entries) {
    if (handle.kind !== 'file') continue;
    const access = await (handle as FileSystemFileHandle).createSyncAccessHandle();
    access.close();
  }
}

async function createOpfsHost(): Promise<EngineHost> {
  const module: object = await SQLiteESMFactory({ locateFile: () => wasmUrl });
  const sqlite3 = SQLite.Factory(module);
  const vfs = await openPool(module);
  sqlite3.vfs_register(vfs as unknown as SQLiteVFS, false);
  return {
    sqlite3,
    vfs: vfs as unknown as FileVFS,
    storage: 'opfs',
    async listRecoveredCopies() {
      const dir = await recoveredDirectory(false);
      const names: string[] = [];
      if (dir) for await (const name of dir.keys()) names.push(name);
      return names.sort().reverse();
    },
    async saveRecoveredCopy(name, bytes) {
      const dir = (await recoveredDirectory(true))!;
      const file = await dir.getFileHandle(name, { create: true });
      const handle = await file.createSyncAccessHandle();
      try {
        handle.truncate(0);
        handle.write(bytes, { at: 0 });
        handle.flush();
      } finally {
        handle.close();
      }
    },
    async deleteRecoveredCopies() {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(RECOVERED_DIRECTORY, { recursive: true }).catch(() => undefined);
    },
  };
}

const engineReady = createOpfsHost().then((host) =>
  Engine.open(host, {
    onSlowCall: (name, ms) => console.warn(`corgi worker: ${name} took ${Math.round(ms)} ms`),
  }),
);
/**
 * The API with Mastodon wired in: tokens in the web vault (a non-extractable WebCrypto key), and the
 * server sends the browser back to the app's own address after approving.
 */
const apiReady = engineReady.then((engine) => {
  const holder: { service?: MastodonService } = {};
  const api = createWorkerApi(engine, () => holder.service!);
  holder.service = new MastodonService({
    engine,
    api,
    // The desktop shell's keychain vault when the renderer passes one, else the browser's.
    openVault: async (host) => (host ? new HostVault(host) : WebVault.open()),
    clock: systemClock,
    redirectUri: `${self.location.origin}/`,
  });
  upkeepInBackground(api);
  return api;
});

/**
 * Background work in small slices with pauses between them, so that reads and pages (which queue
 * behind each slice's transaction) never wait long: new posts embedded in batches, and, while the
 * person has done nothing for a while, the weekly check of the database and the daily pass that
 * drops posts older than the person keeps them.
 */
function upkeepInBackground(api: WorkerApi): void {
  const BATCH = 200;
  const IDLE_MS = 10_000;
  const step = async (): Promise<void> => {
    let delay = 5_000;
    try {
      if ((await api.ranking.embedPending(BATCH)) > 0) delay = 50;
      else if ((await api.upkeep.idleMs()) >= IDLE_MS) {
        if (!(await api.upkeep.checkIntegrity()).done) delay = 200;
        else if (!(await api.upkeep.dropOldPosts()).done) delay = 200;
      }
    } catch {
      // A damaged or deleted database: try again later.
      delay = 30_000;
    }
    setTimeout(() => void step(), delay);
  };
  setTimeout(() => void step(), 1_000);
}

// The page reaches the renderer's commands only; a test build (CORGI_TEST_HOOKS=1) adds the engine's
// under `testing`, for the end-to-end tests to seed the database with.
// (The shipped build's minifier drops the test branch, and `withTestHooks` with it.)
const surfaceReady = apiReady.then((api) =>
  __CORGI_TEST_HOOKS__ ? withTestHooks(api) : createRendererApi(api),
);
Comlink.expose(deferredSurface<RendererApi>(surfaceReady));
