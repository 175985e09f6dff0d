/**
 * bench:scale --opfs in a dedicated module worker, on the web edition's storage stack: wa-sqlite's
 * synchronous build over AccessHandlePoolVFS on OPFS, the pool opened as src-worker/worker.ts opens
 * it, and the app's own Engine and WorkerApi on it. Two jobs, each in a worker of its own (main.ts):
 *   import   streams the database file from HTTP into the pool, under the app's file name, a few
 *            MB at a time through the VFS (never the whole file in memory), then lets the pool go
 *   measure  opens the engine on that pool, cold, and times what bench/scale.ts times in Node
 */
import * as SQLite from '@journeyapps/wa-sqlite';
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs';
import wasmUrl from '@journeyapps/wa-sqlite/dist/wa-sqlite.wasm?url';
import { AccessHandlePoolVFS } from '@journeyapps/wa-sqlite/src/examples/AccessHandlePoolVFS.js';
import { Engine, createWorkerApi } from '../../src-worker/engine';
import { DATABASE_FILE, type EngineHost, type FileVFS } from '../../src-worker/host';

export interface ImportRequest {
  type: 'import';
  /** Where the database file is served. */
  url: string;
  /** The pool's OPFS directory: the app's DATABASE_DIRECTORY. */
  directory: string;
  /** The file's size, to check the copy. */
  bytes: number;
}

export interface ImportResult {
  ms: number;
  bytes: number;
}

export interface MeasureRequest {
  type: 'measure';
  directory: string;
  /** The engine's clock at the start; each warm refresh and the rebuild advance it 60 s. */
  clock: number;
}

/** What the worker measures itself; bench/scale.ts adds Chromium's memory, read over CDP and /proc. */
export interface WorkerMeasurement {
  /** Loading wa-sqlite, opening the pool and Engine.open: what worker.ts does before the first call. */
  open_ms: number;
  /** Engine.open alone (checks and migrations). */
  engine_open_ms: number;
  first_page_ms: number;
  first_refresh_ms: number;
  warm_refresh_ms: number;
  rebuild_refresh_ms: number;
  /**
   * The worker's WebAssembly linear memories at the memory point (none ever shrinks): SQLite's
   * instance and those made in JS, which are the ranking's vector index's.
   */
  wasm_mb: number;
  /** SQLite's alone (its page cache included). */
  sqlite_wasm_mb: number;
}

export type ScaleMessage =
  /** At the memory point (after the warm refreshes): main.ts answers with { type: 'go-on' }. */
  | { type: 'memory' }
  | { type: 'done'; result: ImportResult | WorkerMeasurement }
  | { type: 'error'; message: string };

const post = (message: ScaleMessage) => self.postMessage(message);
const MB = 1048576;
const CHUNK = 4 * MB;
const round = (x: number): number => Math.round(x * 10) / 10;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Every WebAssembly.Memory made in JS in this worker (the vector index makes its own, out of reach
// inside the WorkerApi), so that wasm_mb counts them; SQLite's is made inside its module instead.
const memories: WeakRef<WebAssembly.Memory>[] = [];
WebAssembly.Memory = new Proxy(WebAssembly.Memory, {
  construct(target, args: [WebAssembly.MemoryDescriptor]) {
    const memory = new target(...args);
    memories.push(new WeakRef(memory));
    return memory;
  },
});
const jsWasmBytes = (): number =>
  memories.reduce((sum, ref) => sum + (ref.deref()?.buffer.byteLength ?? 0), 0);

interface SqliteModule {
  HEAPU8: Uint8Array;
}

async function loadModule(): Promise<SqliteModule> {
  return (await SQLiteESMFactory({ locateFile: () => wasmUrl })) as SqliteModule;
}

// openPool and probePool as in src-worker/worker.ts (not exported there, and importing that module
// would start the app's engine): after a worker ends, its access handles may linger a moment.
async function openPool(directory: string, module: object): Promise<AccessHandlePoolVFS> {
  const deadline = Date.now() + 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      await probePool(directory);
      return await AccessHandlePoolVFS.create(directory, module);
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`cannot open the pool: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500)));
    }
  }
}

async function probePool(directory: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(directory, { create: true });
  const entries = (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
  for await (const handle of entries) {
    if (handle.kind !== 'file') continue;
    // (A worker-only API: this project's bench code is typed with the DOM library.)
    const file = handle as unknown as { createSyncAccessHandle(): Promise<{ close(): void }> };
    const access = await file.createSyncAccessHandle();
    access.close();
  }
}

const ok = async (what: string, code: number | Promise<number>): Promise<void> => {
  if ((await code) !== SQLite.SQLITE_OK) throw new Error(`${what} failed (${await code})`);
};

/** The file from HTTP into the pool as the main database, through the VFS as the engine drives it. */
async function importDatabase({ url, directory, bytes }: ImportRequest): Promise<ImportResult> {
  const started = performance.now();
  const module = await loadModule();
  const vfs = await openPool(directory, module);
  try {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok || !response.body) throw new Error(`GET ${url}: ${response.status}`);
    const fileId = -1;
    const flags = SQLite.SQLITE_OPEN_CREATE | SQLite.SQLITE_OPEN_READWRITE | SQLite.SQLITE_OPEN_MAIN_DB;
    await ok('open', vfs.jOpen(DATABASE_FILE, fileId, flags, new DataView(new ArrayBuffer(4))));
    let offset = 0;
    try {
      await ok('truncate', vfs.jTruncate(fileId, 0));
      const buffer = new Uint8Array(CHUNK);
      let filled = 0;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (let at = 0; at < value.length;) {
          const n = Math.min(value.length - at, CHUNK - filled);
          buffer.set(value.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === CHUNK) {
            await ok('write', vfs.jWrite(fileId, buffer, offset));
            offset += filled;
            filled = 0;
          }
        }
      }
      if (filled > 0) await ok('write', vfs.jWrite(fileId, buffer.subarray(0, filled), offset));
      offset += filled;
      await ok('sync', vfs.jSync(fileId, SQLite.SQLITE_SYNC_FULL));
      const size = new DataView(new ArrayBuffer(8));
      await ok('size', vfs.jFileSize(fileId, size));
      if (offset !== bytes || Number(size.getBigInt64(0, true)) !== bytes)
        throw new Error(`imported ${offset} bytes (file ${size.getBigInt64(0, true)}), expected ${bytes}`);
    } finally {
      await vfs.jClose(fileId);
    }
    return { ms: round(performance.now() - started), bytes: offset };
  } finally {
    await vfs.close();
  }
}

/** One cold start of the app's engine on the pool: measure() of bench/scale.ts, in this worker. */
async function measure({ directory, clock: start }: MeasureRequest): Promise<WorkerMeasurement> {
  let clock = start;
  let started = performance.now();
  // createOpfsHost of src-worker/worker.ts; the bench never meets a damaged database, so the side
  // area for recovered copies is left out.
  const module = await loadModule();
  const sqlite3 = SQLite.Factory(module);
  const vfs = await openPool(directory, module);
  sqlite3.vfs_register(vfs as unknown as SQLiteVFS, false);
  const host: EngineHost = {
    sqlite3,
    vfs: vfs as unknown as FileVFS,
    storage: 'opfs',
    listRecoveredCopies: async () => [],
    saveRecoveredCopy: async () => {
      throw new Error('the bench database is damaged');
    },
    deleteRecoveredCopies: async () => undefined,
  };
  const engineStarted = performance.now();
  const engine = await Engine.open(host, { now: () => clock });
  const engineOpen = performance.now() - engineStarted;
  const open = performance.now() - started;
  try {
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
    // The memory point, where the Node mode reads its RSS: bench/scale.ts reads Chromium's RSS and
    // this worker's heap (after a collection), then the wasm memories are read, as they stand then.
    const answered = new Promise((resolve) => self.addEventListener('message', resolve, { once: true }));
    post({ type: 'memory' });
    await answered;
    const sqliteWasm = module.HEAPU8.buffer.byteLength;
    const wasm = sqliteWasm + jsWasmBytes();
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
    return {
      open_ms: round(open),
      engine_open_ms: round(engineOpen),
      first_page_ms: round(firstPage),
      first_refresh_ms: round(firstRefresh),
      warm_refresh_ms: round(median(warm)),
      rebuild_refresh_ms: round(rebuild),
      wasm_mb: Math.round(wasm / MB),
      sqlite_wasm_mb: Math.round(sqliteWasm / MB),
    };
  } finally {
    await engine.close();
    await vfs.close();
  }
}

self.addEventListener(
  'message',
  (event: MessageEvent<ImportRequest | MeasureRequest>) => {
    const request = event.data;
    (request.type === 'import' ? importDatabase(request) : measure(request)).then(
      (result) => post({ type: 'done', result }),
      (error: unknown) =>
        post({
          type: 'error',
          message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error),
        }),
    );
  },
  { once: true },
);
