/**
 * The data worker's host: wa-sqlite on OPFS (AccessHandlePoolVFS: this worker alone owns the
 * database, and it writes fastest), and the side folder for copies of damaged databases. Loaded
 * by worker.ts as it starts, beside its reading of the kept first page.
 */
import * as SQLite from '@journeyapps/wa-sqlite';
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs';
import wasmUrl from '@journeyapps/wa-sqlite/dist/wa-sqlite.wasm?url';
import { AccessHandlePoolVFS } from '@journeyapps/wa-sqlite/src/examples/AccessHandlePoolVFS.js';
import { EngineError } from './errors';
import { DATABASE_DIRECTORY, type EngineHost, type FileVFS, type KeptPageStore } from './host';
import { heldWithin, opfsDirectory, writeWholeFile, type DatabaseLock } from './opfs-kept-page';

const RECOVERED_DIRECTORY = 'corgi-recovered';

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
        throw inUseElsewhere(String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500)));
    }
  }
}

function inUseElsewhere(why: string): EngineError {
  return new EngineError(
    'storage_unavailable',
    `Corgi's database is in use by another Corgi window or tab, or storage is unavailable (${why}).`,
  );
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

/** How long a worker waits for the database before it says another window has it. */
const WAIT_FOR_DATABASE_MS = 5000;

/**
 * Starts SQLite (fetching and compiling its wasm) and, once this worker holds the database lock
 * (opfs-kept-page.ts), opens the pool of files.
 */
export async function createOpfsHost(keptPage: KeptPageStore, lock: DatabaseLock): Promise<EngineHost> {
  const module: object = await SQLiteESMFactory({ locateFile: () => wasmUrl });
  const sqlite3 = SQLite.Factory(module);
  if (!(await heldWithin(lock, WAIT_FOR_DATABASE_MS))) {
    // (Not waited for any longer: were it had later, it would keep the next window out.)
    lock.cancel();
    throw inUseElsewhere('another window holds it');
  }
  const vfs = await openPool(module);
  sqlite3.vfs_register(vfs as unknown as SQLiteVFS, false);
  return {
    sqlite3,
    vfs: vfs as unknown as FileVFS,
    storage: 'opfs',
    keptPage,
    async listRecoveredCopies() {
      const dir = await opfsDirectory(RECOVERED_DIRECTORY, false);
      const names: string[] = [];
      if (dir) for await (const name of dir.keys()) names.push(name);
      return names.sort().reverse();
    },
    async saveRecoveredCopy(name, bytes) {
      const dir = (await opfsDirectory(RECOVERED_DIRECTORY, true))!;
      await writeWholeFile(await dir.getFileHandle(name, { create: true }), bytes);
    },
    async deleteRecoveredCopies() {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(RECOVERED_DIRECTORY, { recursive: true }).catch(() => undefined);
    },
  };
}
