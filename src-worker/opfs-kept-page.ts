/**
 * The kept first page (kept-page.ts) in the worker's OPFS, and the lock that says a worker holds
 * the database.
 */
import type { KeptPageStore } from './host';
import { KEPT_PAGE_DIRECTORY, KEPT_PAGE_FILE } from './kept-page-format';

async function directory(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  const root = await navigator.storage.getDirectory();
  try {
    return await root.getDirectoryHandle(KEPT_PAGE_DIRECTORY, { create });
  } catch {
    return null;
  }
}

export function opfsKeptPage(): KeptPageStore {
  return {
    async read() {
      try {
        const dir = await directory(false);
        if (!dir) return null;
        const file = await (await dir.getFileHandle(KEPT_PAGE_FILE)).getFile();
        return await file.text();
      } catch {
        // Not there, or being written.
        return null;
      }
    },
    async write(text) {
      const dir = (await directory(true))!;
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
 * Held by the worker that has the database's pool of files open, for as long as it lives
 * (opfs-host.ts): another window's worker, which cannot open them, sees it held at once.
 */
export const DATABASE_LOCK = 'corgi-database';

/** Whether another worker holds the database (or, just after a reload, still does). */
export async function databaseInUse(): Promise<boolean> {
  const { held = [] } = await navigator.locks.query();
  return held.some((lock) => lock.name === DATABASE_LOCK);
}
