/**
 * The engine in Node: the same wa-sqlite build as the browser worker, over the file system (or
 * memory, for tests that need no files).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs';
import * as SQLite from '@journeyapps/wa-sqlite';
import { MemoryVFS } from '@journeyapps/wa-sqlite/src/examples/MemoryVFS.js';
import { Engine, type EngineOptions } from '../engine';
import type { EngineHost, FileVFS, KeptPageStore } from '../host';
import { NodeFileVFS } from './node-file-vfs';

const require = createRequire(import.meta.url);
let wasmBinary: Buffer | null = null;
let vfsCounter = 0;

/** A fresh SQLite instance: each engine gets its own, as each worker does in the app. */
export async function loadSqlite(): Promise<{ module: object; sqlite3: SQLiteAPI }> {
  // The glue would fetch() its .wasm from a file: URL, which Node cannot; hand it the bytes.
  wasmBinary ??= fs.readFileSync(require.resolve('@journeyapps/wa-sqlite/dist/wa-sqlite.wasm'));
  const module = (await SQLiteESMFactory({ wasmBinary })) as object;
  return { module, sqlite3: SQLite.Factory(module) };
}

export interface NodeEngineOptions extends EngineOptions {
  /** Directory for the database; in memory when absent. */
  directory?: string;
}

export async function createNodeHost(directory?: string): Promise<EngineHost> {
  const { module, sqlite3 } = await loadSqlite();
  const name = `corgi-${directory ? 'file' : 'memory'}-${++vfsCounter}`;
  const vfs = (directory
    ? new NodeFileVFS(name, module, directory)
    : new MemoryVFS(name, module)) as unknown as FileVFS;
  sqlite3.vfs_register(vfs, false);
  const recovered = directory ? path.join(directory, 'recovered') : null;
  const memoryCopies = new Map<string, Uint8Array>();
  return {
    keptPage: directory ? keptPageFile(path.join(directory, KEPT_PAGE_FILE)) : keptPageInMemory(),
    sqlite3,
    vfs,
    storage: directory ? 'file' : 'memory',
    async listRecoveredCopies() {
      const names =
        recovered && fs.existsSync(recovered) ? fs.readdirSync(recovered) : [...memoryCopies.keys()];
      return names.sort().reverse();
    },
    async saveRecoveredCopy(fileName, bytes) {
      if (!recovered) return void memoryCopies.set(fileName, bytes);
      fs.mkdirSync(recovered, { recursive: true });
      fs.writeFileSync(path.join(recovered, fileName), bytes);
    },
    async deleteRecoveredCopies() {
      memoryCopies.clear();
      if (recovered) fs.rmSync(recovered, { recursive: true, force: true });
    },
  };
}

/** The kept first page's file beside the database (kept-page.ts). */
export const KEPT_PAGE_FILE = 'first-page.json';

function keptPageFile(file: string): KeptPageStore {
  return {
    async read() {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    },
    async write(text) {
      // Written whole and then moved into place: a reader never meets half a page.
      fs.writeFileSync(`${file}.new`, text);
      fs.renameSync(`${file}.new`, file);
    },
    async remove() {
      fs.rmSync(file, { force: true });
    },
  };
}

function keptPageInMemory(): KeptPageStore {
  let kept: string | null = null;
  return {
    read: async () => kept,
    write: async (text) => void (kept = text),
    remove: async () => void (kept = null),
  };
}

export async function openNodeEngine(options: NodeEngineOptions = {}): Promise<Engine> {
  return Engine.open(await createNodeHost(options.directory), options);
}
