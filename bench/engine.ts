/**
 * Engine benchmark: `npm run bench:engine [-- options]`.
 *
 * Ingests the same seeded, realistic Mastodon statuses (bench/generate.ts) with the same code
 * (bench/workload.ts → src-worker's ingestStatuses, migrate, timelinePage, searchPosts) and the
 * engine's own open pragmas (read from src-worker/db/pragmas.ts) on three backends:
 *   native  better-sqlite3 on disk (the reference), through bench/native-db.ts
 *   node    the Node engine: wa-sqlite over NodeFileVFS in a temp directory
 *   opfs    Debian's Chromium: a module worker with wa-sqlite over AccessHandlePoolVFS on OPFS
 *           (bench/opfs, built with vite and served from a temp directory)
 * then prints phase timings and, as its last line, one JSON object.
 *
 * Options:
 *   --rows N           statuses to ingest (default 100000)
 *   --page-size N      statuses per ingest transaction (default 1000)
 *   --seed N           generator seed (default 42)
 *   --samples N        timed samples per read after warm-up (default 300; warm-up is 30)
 *   --dims N           embedding dimensions (default 256)
 *   --only LIST        comma-separated subset of native,node,opfs
 *   --variants         also run the OPFS pragma/batch experiment (bench/pragmas.ts) and an
 *                      instrumented split of ingest time on all three backends
 *   --variant-rows N   rows per variant (default 20000)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../src-worker/db/database';
import { DATABASE_FILE } from '../src-worker/host';
import { createNodeHost } from '../src-worker/node/open-node-engine';
import { launchBrowser } from '../test/support/browser';
import { serveDirectory } from '../test/support/static-server';
import { buildBenchPage } from './build-page';
import { chromiumProcesses, readProc } from './chromium';
import { formatIo, instrumentVfs, ioTotalMs } from './instrument';
import { NativeDatabase } from './native-db';
import { OPFS_VARIANTS } from './pragmas';
import { runWorkload, type WorkloadOptions, type WorkloadResult } from './workload';
import type { OpfsRunRequest, OpfsRunResult } from './opfs/worker';
import type { Page } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '..');
const MB = 1048576;

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    'page-size': { type: 'string', default: '1000' },
    seed: { type: 'string', default: '42' },
    samples: { type: 'string', default: '300' },
    dims: { type: 'string', default: '256' },
    only: { type: 'string', default: 'native,node,opfs' },
    variants: { type: 'boolean', default: false },
    'variant-rows': { type: 'string', default: '20000' },
  },
});

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`--${name} must be a positive integer, not ${value}`);
  return n;
}

const ROWS = positiveInt('rows', args.rows);
const PAGE_SIZE = positiveInt('page-size', args['page-size']);
const SEED = positiveInt('seed', args.seed);
const SAMPLES = positiveInt('samples', args.samples);
const DIMS = positiveInt('dims', args.dims);
const VARIANT_ROWS = Math.min(ROWS, positiveInt('variant-rows', args['variant-rows']));
const ONLY = new Set((args.only ?? '').split(',').map((s) => s.trim()));

const log = (line: string) => console.log(line);
const round = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits));

/**
 * The engine's pragmas as a new database gets them (its FILE_PRAGMAS, then CONNECTION_PRAGMAS),
 * read from its source so the bench cannot drift from it.
 */
function enginePragmas(): string {
  const source = fs.readFileSync(path.join(ROOT, 'src-worker/db/pragmas.ts'), 'utf8');
  return ['FILE_PRAGMAS', 'CONNECTION_PRAGMAS']
    .map((name) => {
      const match = new RegExp(`const ${name} = \`([^\`]*)\``).exec(source);
      if (!match?.[1]) throw new Error(`${name} not found in src-worker/db/pragmas.ts`);
      return match[1];
    })
    .join('');
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

// --- native and Node backends ---------------------------------------------------------------------

async function runNative(options: WorkloadOptions): Promise<WorkloadResult> {
  const dir = tempDir('corgi-bench-native-');
  try {
    const db = new NativeDatabase(path.join(dir, DATABASE_FILE));
    const result = await runWorkload(db, options, { log });
    await db.close();
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runNode(options: WorkloadOptions): Promise<WorkloadResult> {
  const dir = tempDir('corgi-bench-node-');
  try {
    const host = await createNodeHost(dir);
    const io = instrumentVfs(host.vfs);
    const db = await Database.open(host.sqlite3, DATABASE_FILE, host.vfs.name);
    const result = await runWorkload(db, options, { log, io });
    await db.close();
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// --- Chromium / OPFS ------------------------------------------------------------------------------

/** Builds bench/opfs with vite into a temp directory, in a child process (keeps our RSS clean). */
function buildOpfsPage(): string {
  const started = performance.now();
  const outDir = buildBenchPage('bench/opfs', tempDir('corgi-bench-opfs-'));
  log(`[opfs] bench page built with vite in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return outDir;
}

interface ProcessTreeMemory {
  /** Peak of the summed PSS of Chromium's whole process tree, MB. */
  treePssPeakMb: number;
  /** Peak RSS of the largest single Chromium process (the renderer hosting the worker), MB. */
  largestRssPeakMb: number;
}

/** Samples the memory of the Chromium started on `profileDir`, from /proc, once a second. */
function sampleChromium(profileDir: string): { stop(): ProcessTreeMemory } {
  const peak: ProcessTreeMemory = { treePssPeakMb: 0, largestRssPeakMb: 0 };
  const sample = () => {
    const tree = chromiumProcesses(profileDir).map((p) => p.pid);
    if (tree.length === 0) return;
    let pss = 0;
    let largest = 0;
    for (const pid of tree) {
      const rollup = readProc(pid, 'smaps_rollup');
      const status = readProc(pid, 'status');
      const kb = (text: string | null, key: string) =>
        Number(text?.match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
      const rss = kb(status, 'VmRSS');
      pss += kb(rollup, 'Pss') || rss;
      largest = Math.max(largest, rss);
    }
    peak.treePssPeakMb = Math.max(peak.treePssPeakMb, pss / 1024);
    peak.largestRssPeakMb = Math.max(peak.largestRssPeakMb, largest / 1024);
  };
  const timer = setInterval(sample, 1000);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

interface WorkerHeap {
  usedPeakMb: number;
  totalPeakMb: number;
}

/**
 * Samples the JS heap of the page's dedicated workers over CDP (Runtime.getHeapUsage), twice a
 * second: workers have no performance.memory. Playwright owns the flat sessions, so this attaches
 * the old non-flat way and talks through Target.sendMessageToTarget.
 */
async function sampleWorkerHeap(page: Page): Promise<{ stop(): Promise<WorkerHeap> }> {
  const cdp = await page.context().newCDPSession(page);
  const sessions = new Map<string, string>();
  const pending = new Map<number, (result: { usedSize: number; totalSize: number } | null) => void>();
  const peak: WorkerHeap = { usedPeakMb: 0, totalPeakMb: 0 };
  let nextId = 1;
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message) as {
      id?: number;
      result?: { usedSize: number; totalSize: number };
    };
    if (message.id !== undefined) pending.get(message.id)?.(message.result ?? null);
  });
  let busy: Promise<void> | null = null;
  const sample = async () => {
    const { targetInfos } = await cdp.send('Target.getTargets');
    for (const target of targetInfos) {
      if (target.type !== 'worker' || sessions.has(target.targetId)) continue;
      const { sessionId } = await cdp.send('Target.attachToTarget', {
        targetId: target.targetId,
        flatten: false,
      });
      sessions.set(target.targetId, sessionId);
    }
    for (const [targetId, sessionId] of sessions) {
      if (!targetInfos.some((t) => t.targetId === targetId)) {
        sessions.delete(targetId);
        continue;
      }
      const id = nextId++;
      const answer = new Promise<{ usedSize: number; totalSize: number } | null>((resolve) => {
        pending.set(id, resolve);
        setTimeout(() => resolve(null), 2000);
      });
      await cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
      });
      const heap = await answer;
      pending.delete(id);
      if (heap) {
        peak.usedPeakMb = Math.max(peak.usedPeakMb, heap.usedSize / MB);
        peak.totalPeakMb = Math.max(peak.totalPeakMb, heap.totalSize / MB);
      }
    }
  };
  const timer = setInterval(() => {
    busy ??= sample()
      .catch(() => undefined)
      .finally(() => (busy = null));
  }, 500);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      await cdp.detach().catch(() => undefined);
      return peak;
    },
  };
}

interface OpfsRun {
  results: OpfsRunResult[];
  chromium: ProcessTreeMemory;
  workerHeap: WorkerHeap;
  crossOriginIsolated: boolean;
}

async function runOpfs(dist: string, requests: OpfsRunRequest[]): Promise<OpfsRun> {
  const server = await serveDirectory(dist);
  const browser = await launchBrowser();
  const sampler = sampleChromium(browser.profileDir);
  try {
    // Cross-origin isolation, for measureUserAgentSpecificMemory() and 5 µs timers.
    await browser.context.route('**/*', async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: {
          ...response.headers(),
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        },
      });
    });
    const page = await browser.context.newPage();
    page.on('console', (message) => console.log(message.text()));
    page.on('pageerror', (error) => console.error(`[opfs] page error: ${error.message}`));
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.runOpfsBench === 'function');
    const crossOriginIsolated = await page.evaluate(() => window.crossOriginIsolated);
    const heap = await sampleWorkerHeap(page);
    const results: OpfsRunResult[] = [];
    for (const request of requests) {
      results.push(await page.evaluate((r) => window.runOpfsBench(r), request));
    }
    return { results, chromium: sampler.stop(), workerHeap: await heap.stop(), crossOriginIsolated };
  } finally {
    sampler.stop();
    await browser.close();
    await server.close();
  }
}

// --- reporting ------------------------------------------------------------------------------------

function phaseLine(r: WorkloadResult): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const readsMs = (r.page.mean * r.page.n + r.fts.mean * r.fts.n) | 0;
  return (
    `${r.label.padEnd(7)} setup ${s(r.setupMs)} | ingest ${s(r.ingest.ms)} (${r.ingest.rowsPerS.toFixed(0)} rows/s) | ` +
    `embeddings ${r.embeddings ? `${s(r.embeddings.ms)} (${r.embeddings.perS.toFixed(0)}/s)` : '-'} | ` +
    `rescore ${s(r.rescoreMs)} | page p50/p95 ${r.page.p50.toFixed(2)}/${r.page.p95.toFixed(2)} ms | ` +
    `fts p50/p95 ${r.fts.p50.toFixed(2)}/${r.fts.p95.toFixed(2)} ms | reads ${s(readsMs)} | db ${(r.db.bytes / MB).toFixed(0)} MB`
  );
}

function splitLine(r: WorkloadResult): string {
  const sql = r.ingest.sqlMs ?? 0;
  const io = r.ingest.io ? ioTotalMs(r.ingest.io) : 0;
  const perRow = (ms: number) => `${((ms / r.rows) * 1000).toFixed(0)} µs/row`;
  return (
    `${r.label.padEnd(22)} ${r.ingest.rowsPerS.toFixed(0).padStart(6)} rows/s | JS ${perRow(r.ingest.ms - sql)} | ` +
    `SQL ${perRow(sql)} (of which VFS I/O ${perRow(io)})`
  );
}

// --- main -----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const pragmas = enginePragmas();
  const base: WorkloadOptions = {
    label: '',
    rows: ROWS,
    pageSize: PAGE_SIZE,
    seed: SEED,
    pragmas,
    samples: SAMPLES,
    warmup: 30,
    dims: DIMS,
    embeddings: true,
    instrument: false,
    explain: true,
  };
  log(
    `Corgi engine bench: ${ROWS} statuses in pages of ${PAGE_SIZE}, seed ${SEED}, ${DIMS}-dim embeddings, ` +
      `${SAMPLES} samples per read; ${os.cpus().length} CPUs; node ${process.version}`,
  );
  log(`open pragmas (from src-worker/db/pragmas.ts): ${pragmas.replace(/\s+/g, ' ').trim()}`);
  const started = performance.now();
  const dist = ONLY.has('opfs') ? buildOpfsPage() : null;

  try {
    const results: Partial<Record<'native' | 'node' | 'opfs', WorkloadResult>> = {};
    let nativePeakRss: number | null = null;
    if (ONLY.has('native')) {
      results.native = await runNative({ ...base, label: 'native' });
      nativePeakRss = maxRssMb();
      log(`[native] process peak RSS so far ${nativePeakRss.toFixed(0)} MB`);
    }
    if (ONLY.has('node')) {
      results.node = await runNode({ ...base, label: 'node' });
      log(`[node] process peak RSS so far ${maxRssMb().toFixed(0)} MB`);
    }
    const peakRss = maxRssMb();

    let opfs: OpfsRunResult | null = null;
    let opfsRun: OpfsRun | null = null;
    if (dist) {
      opfsRun = await runOpfs(dist, [
        { options: { ...base, label: 'opfs' }, directory: 'corgi-bench', measureMemory: true },
      ]);
      opfs = opfsRun.results[0]!;
      results.opfs = opfs.workload;
      const { memory, userAgentMemory: ua } = opfs;
      const { chromium, workerHeap } = opfsRun;
      log(
        `[opfs] worker memory: JS heap peak ${workerHeap.usedPeakMb.toFixed(0)} MB (allocated ${workerHeap.totalPeakMb.toFixed(0)} MB, via CDP), ` +
          `wasm memory peak ${memory.wasmPeakMb.toFixed(0)} MB; ` +
          (ua
            ? `measureUserAgentSpecificMemory at the end: page ${ua.totalMb.toFixed(0)} MB, worker ${ua.workerMb.toFixed(0)} MB (took ${(ua.ms / 1000).toFixed(1)} s); `
            : `measureUserAgentSpecificMemory unavailable (cross-origin isolated: ${opfsRun.crossOriginIsolated}); `) +
          `Chromium tree PSS peak ${chromium.treePssPeakMb.toFixed(0)} MB, largest process RSS peak ${chromium.largestRssPeakMb.toFixed(0)} MB; ` +
          `OPFS file ${(opfs.opfsFileBytes / MB).toFixed(0)} MB`,
      );
    }

    // --- the experiment ---------------------------------------------------------------------------
    const variantRates: Record<string, number> = {};
    if (args.variants) {
      log(`\n=== experiment: ${VARIANT_ROWS} rows per run, every SQL call timed ===`);
      const small: WorkloadOptions = {
        ...base,
        rows: VARIANT_ROWS,
        samples: 100,
        warmup: 10,
        instrument: true,
        explain: false,
      };
      const split: WorkloadResult[] = [];
      if (ONLY.has('native')) split.push(await runNative({ ...small, label: 'native (instrumented)' }));
      if (ONLY.has('node')) split.push(await runNode({ ...small, label: 'node (instrumented)' }));
      let variants: WorkloadResult[] = [];
      if (dist) {
        const requests = OPFS_VARIANTS.map((v, i) => ({
          options: {
            ...small,
            label: `opfs ${v.name}`,
            pragmas: v.pragmas(pragmas),
            pageSize: v.pageSize ?? PAGE_SIZE,
          },
          directory: `corgi-variant-${i}`,
          measureMemory: false,
        }));
        variants = (await runOpfs(dist, requests)).results.map((r) => r.workload);
      }
      log(
        `\n--- where ingest time goes (${VARIANT_ROWS} rows; JS = parse/normalize/glue outside SQL calls) ---`,
      );
      for (const r of [...split, ...variants.slice(0, 1)]) log(splitLine(r));
      log(`\n--- OPFS variants (${VARIANT_ROWS} rows) ---`);
      const app = variants[0];
      for (const [i, r] of variants.entries()) {
        const v = OPFS_VARIANTS[i]!;
        variantRates[v.name] = Math.round(r.ingest.rowsPerS);
        const vsApp = app
          ? ` (${((r.ingest.rowsPerS / app.ingest.rowsPerS - 1) * 100).toFixed(0).padStart(4)}%)`
          : '';
        log(
          `${v.name.padEnd(16)} ingest ${r.ingest.rowsPerS.toFixed(0).padStart(6)} rows/s${vsApp} | ` +
            `emb ${r.embeddings?.perS.toFixed(0) ?? '-'}/s | page p50 ${r.page.p50.toFixed(2)} ms | fts p50 ${r.fts.p50.toFixed(2)} ms | ` +
            `db ${(r.db.bytes / MB).toFixed(0)} MB | ${v.note}`,
        );
        if (r.ingest.io) log(`${''.padEnd(16)} I/O ${formatIo(r.ingest.io)}`);
      }
    }

    // --- summary --------------------------------------------------------------------------------
    log(`\n--- phase timings (${ROWS} rows) ---`);
    for (const r of Object.values(results)) log(phaseLine(r));
    log(`total wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);

    const { native, node } = results;
    const o = results.opfs;
    const ratio = (a: number | undefined, b: number | undefined) => (a && b ? a / b : null);
    const summary = {
      rows: ROWS,
      page_size: PAGE_SIZE,
      seed: SEED,
      opfs_rows_per_s: round(o?.ingest.rowsPerS, 0),
      node_rows_per_s: round(node?.ingest.rowsPerS, 0),
      native_rows_per_s: round(native?.ingest.rowsPerS, 0),
      opfs_vs_native: round(ratio(o?.ingest.rowsPerS, native?.ingest.rowsPerS), 3),
      node_vs_native: round(ratio(node?.ingest.rowsPerS, native?.ingest.rowsPerS), 3),
      page_p50_ms: round(o?.page.p50, 3),
      page_p95_ms: round(o?.page.p95, 3),
      fts_p50_ms: round(o?.fts.p50, 3),
      fts_p95_ms: round(o?.fts.p95, 3),
      embeddings_per_s: round(o?.embeddings?.perS, 0),
      node_page_p50_ms: round(node?.page.p50, 3),
      node_fts_p50_ms: round(node?.fts.p50, 3),
      native_page_p50_ms: round(native?.page.p50, 3),
      native_fts_p50_ms: round(native?.fts.p50, 3),
      node_embeddings_per_s: round(node?.embeddings?.perS, 0),
      native_embeddings_per_s: round(native?.embeddings?.perS, 0),
      opfs_ingest_s: round(o ? o.ingest.ms / 1000 : null, 1),
      opfs_rescore_ms: round(o?.rescoreMs, 0),
      opfs_db_mb: round(o ? o.db.bytes / MB : null, 0),
      peak_rss_mb: round(peakRss, 0),
      native_peak_rss_mb: round(nativePeakRss, 0),
      worker_heap_mb: round(opfs?.memory.jsHeapPeakMb ?? opfsRun?.workerHeap.usedPeakMb, 0),
      worker_wasm_mb: round(opfs?.memory.wasmPeakMb, 0),
      worker_uasm_mb: round(opfs?.userAgentMemory?.workerMb, 0),
      page_uasm_mb: round(opfs?.userAgentMemory?.totalMb, 0),
      chromium_pss_peak_mb: round(opfsRun?.chromium.treePssPeakMb, 0),
      chromium_largest_rss_peak_mb: round(opfsRun?.chromium.largestRssPeakMb, 0),
      ...(args.variants ? { opfs_variant_rows: VARIANT_ROWS, opfs_variants_rows_per_s: variantRates } : {}),
    };
    console.log(JSON.stringify(summary));
  } finally {
    if (dist) fs.rmSync(dist, { recursive: true, force: true });
  }
}

await main();
