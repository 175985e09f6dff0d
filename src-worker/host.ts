/**
 * What the engine needs from the place it runs: a SQLite build, a VFS to store files, and a
 * side area for copies of damaged databases. The browser worker gives it OPFS; Node gives it the
 * file system or memory.
 */
import * as SQLite from '@journeyapps/wa-sqlite';

/** The parts of wa-sqlite's FacadeVFS the engine calls directly, to copy and remove files. */
export interface FileVFS extends SQLiteVFS {
  jOpen(name: string | null, fileId: number, flags: number, outFlags: DataView): number | Promise<number>;
  jRead(fileId: number, data: Uint8Array, offset: number): number | Promise<number>;
  jWrite(fileId: number, data: Uint8Array, offset: number): number | Promise<number>;
  jFileSize(fileId: number, size: DataView): number | Promise<number>;
  jTruncate(fileId: number, size: number): number | Promise<number>;
  jSync(fileId: number, flags: number): number | Promise<number>;
  jClose(fileId: number): number | Promise<number>;
  jDelete(name: string, syncDir: number): number | Promise<number>;
  jAccess(name: string, flags: number, result: DataView): number | Promise<number>;
}

export interface EngineHost {
  sqlite3: SQLiteAPI;
  vfs: FileVFS;
  /** Shown in status and logs: "opfs", "file", "memory". */
  storage: string;
  /** Kept-aside copies of damaged databases, newest first. */
  listRecoveredCopies(): Promise<string[]>;
  saveRecoveredCopy(name: string, bytes: Uint8Array): Promise<void>;
  deleteRecoveredCopies(): Promise<void>;
  /** Where the home timeline's first page is kept for the next start (kept-page.ts), if anywhere. */
  keptPage?: KeptPageStore;
}

/** One small text file beside the database, read before SQLite is started. */
export interface KeptPageStore {
  /** The text, or null when there is none. */
  read(): Promise<string | null>;
  write(text: string): Promise<void>;
  remove(): Promise<void>;
}

/** The web edition's pool of OPFS files holding the database. */
export const DATABASE_DIRECTORY = 'corgi';
export const DATABASE_FILE = 'corgi.sqlite';
/** Every file SQLite may keep beside the database. */
export const DATABASE_FILES = [DATABASE_FILE, `${DATABASE_FILE}-journal`, `${DATABASE_FILE}-wal`];

// File ids the engine uses for its own reads; SQLite's own ids are heap pointers, always positive.
let nextPrivateFileId = -1;

/** Reads a whole file through the VFS, or null when it does not exist. */
export async function readVfsFile(vfs: FileVFS, name: string): Promise<Uint8Array | null> {
  const exists = new DataView(new ArrayBuffer(4));
  await vfs.jAccess(name, SQLite.SQLITE_ACCESS_EXISTS, exists);
  if (exists.getInt32(0, true) === 0) return null;
  const fileId = nextPrivateFileId--;
  const outFlags = new DataView(new ArrayBuffer(4));
  const flags = SQLite.SQLITE_OPEN_READONLY | SQLite.SQLITE_OPEN_MAIN_DB;
  if ((await vfs.jOpen(name, fileId, flags, outFlags)) !== SQLite.SQLITE_OK) {
    throw new Error(`cannot open ${name}`);
  }
  try {
    const size = new DataView(new ArrayBuffer(8));
    await vfs.jFileSize(fileId, size);
    const bytes = new Uint8Array(Number(size.getBigInt64(0, true)));
    const chunk = 1 << 20;
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      await vfs.jRead(fileId, bytes.subarray(offset, Math.min(offset + chunk, bytes.length)), offset);
    }
    return bytes;
  } finally {
    await vfs.jClose(fileId);
  }
}

/** A file's size through the VFS, or null when it does not exist. */
export async function vfsFileSize(vfs: FileVFS, name: string): Promise<number | null> {
  const exists = new DataView(new ArrayBuffer(4));
  await vfs.jAccess(name, SQLite.SQLITE_ACCESS_EXISTS, exists);
  if (exists.getInt32(0, true) === 0) return null;
  const fileId = nextPrivateFileId--;
  const outFlags = new DataView(new ArrayBuffer(4));
  const flags = SQLite.SQLITE_OPEN_READONLY | SQLite.SQLITE_OPEN_MAIN_JOURNAL;
  if ((await vfs.jOpen(name, fileId, flags, outFlags)) !== SQLite.SQLITE_OK) return null;
  try {
    const size = new DataView(new ArrayBuffer(8));
    await vfs.jFileSize(fileId, size);
    return Number(size.getBigInt64(0, true));
  } finally {
    await vfs.jClose(fileId);
  }
}

export async function deleteVfsFiles(vfs: FileVFS, names: readonly string[]): Promise<void> {
  for (const name of names) await vfs.jDelete(name, 0);
}
