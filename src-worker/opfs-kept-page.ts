/**
 * The kept first page (kept-page.ts) in the worker's OPFS, and the lock that says which worker
 * uses the database.
 */
import type { KeptPageStore } from './host';
import { KEPT_PAGE_DIRECTORY, KEPT_PAGE_FILE } from './kept-page-format';

/** A folder at the root of the origin's OPFS, made if asked; null when it is not there. */
export async function opfsDirectory(
  name: string,
  create: boolean,
): Promise<FileSystemDirectoryHandle | null> {
  const root = await navigator.storage.getDirectory();
  try {
    return await root.getDirectoryHandle(name, { create });
  } catch {
    return null;
  }
}

export function opfsKeptPage(): KeptPageStore {
  return {
    async read() {
      try {
        const dir = await opfsDirectory(KEPT_PAGE_DIRECTORY, false);
        if (!dir) return null;
        const file = await (await dir.getFileHandle(KEPT_PAGE_FILE)).getFile();
        return await file.text();
      } catch {
        // Not there, or being written.
        return null;
      }
    },
    async write(text) {
      const dir = (await opfsDirectory(KEPT_PAGE_DIRECTORY, true))!;
      // (Cut short, it does not parse, and the page is then read from the database.)
      await writeWholeFile(
        await dir.getFileHandle(KEPT_PAGE_FILE, { create: true }),
        new TextEncoder().encode(text),
      );
    },
    async remove() {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry(KEPT_PAGE_DIRECTORY, { recursive: true }).catch((error: unknown) => {
        if ((error as { name?: string }).name !== 'NotFoundError') throw error;
      });
    },
  };
}

/** Replaces a file's contents with `bytes`, durably. */
export async function writeWholeFile(file: FileSystemFileHandle, bytes: Uint8Array): Promise<void> {
  const handle = await file.createSyncAccessHandle();
  try {
    handle.truncate(0);
    handle.write(bytes, { at: 0 });
    handle.flush();
  } finally {
    handle.close();
  }
}

/**
 * The lock a worker takes before it reads the kept page or opens the database's pool of files, and
 * holds for as long as it lives: one window's worker at a time uses the database, and another
 * window's knows at once that it may not.
 */
export const DATABASE_LOCK = 'corgi-database';

export interface DatabaseLock {
  /** Resolves once this worker holds the lock (kept until it ends). */
  held: Promise<void>;
  /** Gives up waiting for it. */
  cancel(): void;
}

/** Asks for the database lock; without Web Locks, it is held at once. */
export function requestDatabaseLock(): DatabaseLock {
  const controller = new AbortController();
  if (!('locks' in navigator)) return { held: Promise.resolve(), cancel: () => undefined };
  const held = new Promise<void>((resolve, reject) => {
    navigator.locks
      .request(DATABASE_LOCK, { signal: controller.signal }, () => {
        resolve();
        return new Promise<never>(() => undefined);
      })
      .catch(reject);
  });
  held.catch(() => undefined);
  return { held, cancel: () => controller.abort() };
}

/** Whether the lock is held within `ms` (false when it is not, or cannot be had). */
export function heldWithin(lock: DatabaseLock, ms: number): Promise<boolean> {
  return Promise.race([
    lock.held.then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}
