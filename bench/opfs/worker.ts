/**
 * The benchmark in a module worker, on the app's storage stack: wa-sqlite (synchronous build) over
 * AccessHandlePoolVFS on OPFS, opened as src-worker/worker.ts opens it, with the engine's own
 * `Database`, migrations, ingest and store code (through ../workload). Statuses are generated
 * here from the seed, page by page, so nothing large crosses postMessage and only ingest is timed.
 */
import * as SQLite from '@journeyapps/wa-sqlite';
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs';
import wasmUrl from '@journeyapps/wa-sqlite/dist/wa-sqlite.wasm?url';
import { AccessHandlePoolVFS } from '@journeyapps/wa-sqlite/src/examples/AccessHandlePoolVFS.js';
import { Database } from '../../src-worker/db/database';
import { DATABASE_FILE } from '../../src-worker/host';
import { instrumentVfs } from '../instrument';
import { runWorkload, type WorkloadOptions, type WorkloadResult } from '../workload';

export interface OpfsRunRequest {
  options: WorkloadOptions;
  /** Measure the page with measureUserAgentSpecificMemory() before the worker ends (slow). */
  measureMemory: boolean;
  /** OPFS directory for this run's pool of files; removed afterwards. */
  directory: string;
}

export interface WorkerMemory {
  /**
   * Peak of performance.memory.usedJSHeapSize over the run, MB, where the worker has it (Chromium
   * exposes it to windows only; bench/engine.ts samples the worker's heap over CDP instead).
   */
  jsHeapPeakMb: number | null;
  jsHeapTotalPeakMb: number | null;
  /** Peak WebAssembly linear memory of the SQLite instance (page cache included), MB. */
  wasmPeakMb: number;
}

/** performance.measureUserAgentSpecificMemory() of the page at the end of a run (main.ts). */
export interface UserAgentMemory {
  totalMb: number;
  /** The part attributed to the dedicated worker. */
  workerMb: number;
  ms: number;
}

export interface OpfsRunResult {
  workload: WorkloadResult;
  memory: WorkerMemory;
  /** Size of the OPFS file holding the database (AccessHandlePoolVFS adds a 4 KB header). */
  opfsFileBytes: number;
  /** Filled in by main.ts when asked and the page is cross-origin isolated. */
  userAgentMemory: UserAgentMemory | null;
}

export type OpfsMessage =
  | { type: 'progress'; line: string }
  | { type: 'done'; result: OpfsRunResult }
  /** The workload is done and the database still open: main.ts measures, then answers. */
  | { type: 'measure' }
  | { type: 'error'; message: string };

interface ChromePerformance {
  memory?: { usedJSHeapSize: number; totalJSHeapSize: number };
}

const post = (message: OpfsMessage) => self.postMessage(message);
const MB = 1048576;

async function run({ options, directory, measureMemory }: OpfsRunRequest): Promise<OpfsRunResult> {
  const module = (await SQLiteESMFactory({ locateFile: () => wasmUrl })) as { HEAPU8: Uint8Array };
  const sqlite3 = SQLite.Factory(module);
  const vfs = await AccessHandlePoolVFS.create(directory, module);
  sqlite3.vfs_register(vfs as unknown as SQLiteVFS, false);
  const io = instrumentVfs(vfs);

  const perf = performance as unknown as ChromePerformance;
  let jsHeapPeak: number | null = null;
  let jsHeapTotalPeak: number | null = null;
  let wasmPeak = 0;
  const tick = () => {
    const m = perf.memory;
    if (m) {
      jsHeapPeak = Math.max(jsHeapPeak ?? 0, m.usedJSHeapSize);
      jsHeapTotalPeak = Math.max(jsHeapTotalPeak ?? 0, m.totalJSHeapSize);
    }
    wasmPeak = Math.max(wasmPeak, module.HEAPU8.buffer.byteLength);
  };

  const db = await Database.open(sqlite3, DATABASE_FILE, vfs.name);
  let workload: WorkloadResult;
  try {
    workload = await runWorkload(db, options, { log: (line) => post({ type: 'progress', line }), io, tick });
    tick();
    if (measureMemory) {
      const answered = new Promise((resolve) => self.addEventListener('message', resolve, { once: true }));
      post({ type: 'measure' });
      await answered;
    }
  } finally {
    await db.close();
  }

  await vfs.close();
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(directory);
  let opfsFileBytes = 0;
  for await (const handle of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
    if (handle.kind === 'file')
      opfsFileBytes = Math.max(opfsFileBytes, (await (handle as FileSystemFileHandle).getFile()).size);
  }
  await root.removeEntry(directory, { recursive: true });

  return {
    workload,
    memory: {
      jsHeapPeakMb: jsHeapPeak === null ? null : jsHeapPeak / MB,
      jsHeapTotalPeakMb: jsHeapTotalPeak === null ? null : jsHeapTotalPeak / MB,
      wasmPeakMb: wasmPeak / MB,
    },
    opfsFileBytes,
    userAgentMemory: null,
  };
}

self.addEventListener('message', (event: MessageEvent<OpfsRunRequest>) => {
  if (!('options' in event.data)) return;
  run(event.data).then(
    (result) => post({ type: 'done', result }),
    (error: unknown) =>
      post({
        type: 'error',
        message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error),
      }),
  );
});
