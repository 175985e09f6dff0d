/**
 * The benchmark workload, identical for every backend (the Chromium OPFS worker, the Node engine,
 * better-sqlite3): open pragmas and the real migrations, then the real `ingestStatuses`,
 * embeddings, a feed rescore, and the real `timelinePage` / `searchPosts` reads.
 *
 * Runs in Node and in a browser worker: no Node imports here.
 */
import type { Database, SqlParams, Tx } from '../src-worker/db/database';
import { migrate } from '../src-worker/db/migrate';
import { ingestStatuses } from '../src-worker/ingest/ingest-statuses';
import { upsertAccount } from '../src-worker/store/accounts';
import { searchPosts, timelinePage } from '../src-worker/store/posts';
import type { IngestPage } from '../src-shared/worker-api';
import { Rng, StatusGenerator, embeddingBytes, HOME_INSTANCE } from './generate';
import {
  formatIo,
  ioDelta,
  ioTotalMs,
  recordingTx,
  TimedTx,
  type IoStats,
  type StatementStat,
} from './instrument';

/** What the workload needs of a connection: `Database` has it, and so does the native adapter. */
export interface BenchDb extends Tx {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  readonly unlocked: Tx;
}

export interface WorkloadOptions {
  label: string;
  rows: number;
  /** Statuses per ingest transaction. */
  pageSize: number;
  seed: number;
  /** Executed once on open, before migrating (the engine's OPEN_PRAGMAS, or a variant). */
  pragmas: string;
  /** Timed samples of each read, after `warmup` untimed ones. */
  samples: number;
  warmup: number;
  dims: number;
  embeddings: boolean;
  /** Time every SQL statement of the ingest (adds a little overhead). */
  instrument: boolean;
  /** Log EXPLAIN QUERY PLAN of the read queries. */
  explain: boolean;
}

export interface WorkloadHooks {
  log(line: string): void;
  /** Live VFS I/O counters, when the backend has a wa-sqlite VFS. */
  io?: () => IoStats;
  /** Called often, e.g. to sample memory. */
  tick?: () => void;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  max: number;
}

export interface WorkloadResult {
  label: string;
  rows: number;
  pageSize: number;
  sqliteVersion: string;
  settings: Record<string, string>;
  setupMs: number;
  ingest: {
    ms: number;
    wallMs: number;
    generateMs: number;
    rowsPerS: number;
    /** Rows/s over the first and last tenth of the pages: how ingest slows as the tables grow. */
    firstTenthRowsPerS: number;
    lastTenthRowsPerS: number;
    slowestPageMs: number;
    inserted: number;
    updated: number;
    unchanged: number;
    rejected: number;
    firstRejection: string | null;
    io: IoStats | null;
    /** Time inside SQL calls (instrumented runs only); the rest is JavaScript (parse, normalize). */
    sqlMs: number | null;
    topStatements: StatementStat[] | null;
  };
  embeddings: { count: number; ms: number; perS: number; io: IoStats | null } | null;
  rescoreMs: number;
  page: Summary;
  fts: Summary;
  fts1: Summary;
  fts2: Summary;
  ftsHitsMean: number;
  plans: string[];
  db: { pages: number; pageBytes: number; bytes: number; statuses: number; authors: number };
}

export const EMBEDDING_MODEL = 'bench-random-v1';

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), mean: sum / (sorted.length || 1), max: at(1) };
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const rate = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : 0);

export async function runWorkload(
  db: BenchDb,
  options: WorkloadOptions,
  hooks: WorkloadHooks,
): Promise<WorkloadResult> {
  const { label, rows, pageSize } = options;
  const log = (line: string) => hooks.log(`[${label}] ${line}`);
  const tick = hooks.tick ?? (() => undefined);
  const now = Date.now();

  // --- open: the same pragmas and migrations as the engine --------------------------------------
  let started = performance.now();
  await db.exclusive(() => db.unlocked.exec(options.pragmas));
  await migrate(db as unknown as Database);
  const account = await db.transaction((tx) =>
    upsertAccount(tx, { instance: HOME_INSTANCE, remoteId: '1', acct: 'bench', displayName: 'Bench' }, now),
  );
  const setupMs = performance.now() - started;
  const sqliteVersion = (await db.get<{ v: string }>('SELECT sqlite_version() AS v'))?.v ?? '?';
  const settings: Record<string, string> = {};
  for (const name of ['journal_mode', 'synchronous', 'page_size', 'cache_size', 'locking_mode']) {
    const row = await db.get<Record<string, unknown>>(`PRAGMA ${name}`);
    settings[name] = String(row ? Object.values(row)[0] : '?');
  }
  log(
    `SQLite ${sqliteVersion}; ${Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}; setup ${fmt(setupMs, 0)} ms`,
  );

  // --- ingest ------------------------------------------------------------------------------------
  const generator = new StatusGenerator(options.seed);
  const pages = Math.ceil(rows / pageSize);
  const pageMs: number[] = [];
  const timed = options.instrument ? new TimedTx() : null;
  const ioBefore = hooks.io?.();
  const totals = { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  let firstRejection: string | null = null;
  let ingestMs = 0;
  let generateMs = 0;
  const wallStarted = performance.now();
  let lastReport = wallStarted;
  for (let p = 0; p < pages; p++) {
    started = performance.now();
    const generated = generator.page(p, pageSize, rows);
    const page: IngestPage = {
      accountId: account.id,
      timeline: 'home',
      statuses: generated.statuses,
      cursor: generated.maxId ? { maxId: generated.maxId } : {},
      limit: pageSize,
      fetchedAt: now,
    };
    generateMs += performance.now() - started;

    started = performance.now();
    const result = await db.transaction((tx) => {
      if (!timed) return ingestStatuses(tx, page, now);
      timed.inner = tx;
      return ingestStatuses(timed, page, now);
    });
    const ms = performance.now() - started;
    ingestMs += ms;
    pageMs.push(ms);

    totals.inserted += result.inserted;
    totals.updated += result.updated;
    totals.unchanged += result.unchanged;
    totals.rejected += result.rejected.length;
    firstRejection ??= result.rejected[0]?.error ?? null;
    tick();
    const t = performance.now();
    if (t - lastReport > 5000 || p === pages - 1) {
      lastReport = t;
      const done = Math.min(rows, (p + 1) * pageSize);
      log(`ingest ${done}/${rows}: ${fmt(rate(done, ingestMs), 0)} rows/s (last page ${fmt(ms, 0)} ms)`);
    }
  }
  const wallMs = performance.now() - wallStarted;
  if (totals.rejected > 0) log(`WARNING: ${totals.rejected} statuses rejected, first: ${firstRejection}`);
  const tenth = Math.max(1, Math.floor(pages / 10));
  const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const rowsIn = (from: number, to: number) => Math.min(rows, to * pageSize) - from * pageSize;
  const ingestIo = ioBefore && hooks.io ? ioDelta(hooks.io(), ioBefore) : null;
  const ingest: WorkloadResult['ingest'] = {
    ms: ingestMs,
    wallMs,
    generateMs,
    rowsPerS: rate(rows, ingestMs),
    firstTenthRowsPerS: rate(rowsIn(0, tenth), sumOf(pageMs.slice(0, tenth))),
    lastTenthRowsPerS: rate(rowsIn(pages - tenth, pages), sumOf(pageMs.slice(pages - tenth))),
    slowestPageMs: Math.max(...pageMs),
    ...totals,
    firstRejection,
    io: ingestIo,
    sqlMs: timed ? timed.totalMs : null,
    topStatements: timed ? timed.top(8) : null,
  };
  log(
    `ingest done: ${rows} rows in ${fmt(ingestMs / 1000, 1)} s = ${fmt(ingest.rowsPerS, 0)} rows/s ` +
      `(first tenth ${fmt(ingest.firstTenthRowsPerS, 0)}, last tenth ${fmt(ingest.lastTenthRowsPerS, 0)} rows/s; ` +
      `generating took another ${fmt(generateMs / 1000, 1)} s, untimed)`,
  );
  if (ingestIo) log(`ingest I/O (${fmt(ioTotalMs(ingestIo), 0)} ms total): ${formatIo(ingestIo)}`);
  if (timed) {
    log(
      `ingest split: ${fmt(timed.totalMs, 0)} ms in SQL calls, ${fmt(ingestMs - timed.totalMs, 0)} ms in JS (parse, normalize, glue)`,
    );
    for (const s of timed.top(8))
      log(`  ${fmt(s.ms, 0).padStart(7)} ms ${String(s.calls).padStart(7)}× ${s.sql.slice(0, 90)}`);
  }

  // --- embeddings --------------------------------------------------------------------------------
  let embeddings: WorkloadResult['embeddings'] = null;
  if (options.embeddings) {
    const ids = (await db.all<{ id: number }>('SELECT id FROM statuses ORDER BY id')).map((r) => r.id);
    const before = hooks.io?.();
    let ms = 0;
    for (let start = 0; start < ids.length; start += pageSize) {
      const batch = ids
        .slice(start, start + pageSize)
        .map((id) => ({ id, bytes: embeddingBytes(options.seed, id, options.dims) }));
      const t = performance.now();
      await db.transaction(async (tx) => {
        for (const { id, bytes } of batch) {
          await tx.run(
            'INSERT INTO embeddings (status_id, model_id, dims, vector, created_at) VALUES (?, ?, ?, ?, ?)',
            [id, EMBEDDING_MODEL, options.dims, bytes, now],
          );
        }
      });
      ms += performance.now() - t;
      tick();
    }
    const io = before && hooks.io ? ioDelta(hooks.io(), before) : null;
    embeddings = { count: ids.length, ms, perS: rate(ids.length, ms), io };
    log(
      `embeddings: ${ids.length} × ${options.dims} float32 in ${fmt(ms / 1000, 1)} s = ${fmt(embeddings.perS, 0)}/s`,
    );
    if (io) log(`embeddings I/O: ${formatIo(io)}`);
  }

  // --- rescore the feed, as the ranker would ------------------------------------------------------
  started = performance.now();
  await db.transaction(async (tx) => {
    await tx.run(
      `INSERT INTO feed (status_id, score, ranked_at)
       SELECT id, ((id * 2654435761 + ?) % 4294967296) / 4294967296.0, ? FROM statuses WHERE true
       ON CONFLICT (status_id) DO UPDATE SET score = excluded.score, ranked_at = excluded.ranked_at,
         position = NULL`,
      [options.seed, now],
    );
    // The served order: positions by score.
    await tx.run(
      `UPDATE feed SET position = r.pos
         FROM (SELECT status_id, row_number() OVER (ORDER BY score DESC, status_id DESC) AS pos FROM feed) r
        WHERE r.status_id = feed.status_id`,
    );
  });
  const rescoreMs = performance.now() - started;
  log(`feed rescored (random scores) in ${fmt(rescoreMs, 0)} ms`);

  // --- reads -------------------------------------------------------------------------------------
  const order = await db.all<{ position: number; status_id: number }>(
    'SELECT position, status_id FROM feed ORDER BY position',
  );
  const limit = 40;
  const rng = Rng.for(options.seed, 0, 99);
  const pageTimes: number[] = [];
  for (let s = 0; s < options.warmup + options.samples; s++) {
    // Every tenth read is the top of the feed; the rest start at a random depth.
    const depth = s % 10 === 0 ? 0 : 1 + rng.int(Math.max(1, order.length - limit));
    const before = order[depth - 1];
    const cursor = before ? `${before.position}:${before.status_id}` : null;
    const t = performance.now();
    const page = await db.exclusive(() => timelinePage(db.unlocked, { order: 'ranked', limit, cursor }));
    const ms = performance.now() - t;
    const expected = order[depth]?.status_id;
    if (page.posts.length !== Math.min(limit, order.length - depth) || page.posts[0]?.id !== expected) {
      throw new Error(
        `timeline page at depth ${depth}: got ${page.posts.length} posts from ${page.posts[0]?.id}, expected ${expected}`,
      );
    }
    if (s >= options.warmup) pageTimes.push(ms);
    if (s % 10 === 0) tick();
  }
  const pageSummary = summarize(pageTimes);
  log(
    `timeline page (40 ranked, varied depth): p50 ${fmt(pageSummary.p50)} ms, p95 ${fmt(pageSummary.p95)} ms, max ${fmt(pageSummary.max)} ms (n=${pageSummary.n})`,
  );

  const queries = generator.queries(options.warmup + options.samples);
  const ftsTimes: number[] = [];
  const fts1: number[] = [];
  const fts2: number[] = [];
  let hits = 0;
  for (let s = 0; s < queries.length; s++) {
    const query = queries[s]!;
    const t = performance.now();
    const posts = await db.exclusive(() => searchPosts(db.unlocked, query));
    const ms = performance.now() - t;
    if (s >= options.warmup) {
      ftsTimes.push(ms);
      (query.includes(' ') ? fts2 : fts1).push(ms);
      hits += posts.length;
    }
    if (s % 10 === 0) tick();
  }
  const ftsSummary = summarize(ftsTimes);
  const ftsHitsMean = hits / (ftsTimes.length || 1);
  log(
    `search (searchPosts, limit 50): p50 ${fmt(ftsSummary.p50)} ms, p95 ${fmt(ftsSummary.p95)} ms, max ${fmt(ftsSummary.max)} ms ` +
      `(one word p50 ${fmt(summarize(fts1).p50)}, two words p50 ${fmt(summarize(fts2).p50)}; ${fmt(ftsHitsMean, 1)} hits on average, n=${ftsSummary.n})`,
  );

  const plans: string[] = [];
  if (options.explain) {
    const deep = order[Math.floor(order.length / 2)];
    const probes: [string, (tx: Tx) => Promise<unknown>][] = [
      [
        'timelinePage',
        (tx) =>
          timelinePage(tx, {
            order: 'ranked',
            limit,
            cursor: deep ? `${deep.position}:${deep.status_id}` : null,
          }),
      ],
      ['searchPosts', (tx) => searchPosts(tx, queries[0]!)],
    ];
    for (const [name, probe] of probes) {
      const seen: { sql: string; params: SqlParams }[] = [];
      await db.exclusive(() => probe(recordingTx(db.unlocked, seen)));
      for (const { sql, params } of seen) {
        const rowsOfPlan = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
        const plan = `${name}: ${sql.replace(/\s+/g, ' ').trim().slice(0, 60)}… → ${rowsOfPlan.map((r) => r.detail).join(' | ')}`;
        plans.push(plan);
        log(`plan ${plan}`);
      }
    }
  }

  const pageCount = (await db.get<{ page_count: number }>('PRAGMA page_count'))?.page_count ?? 0;
  const pageBytes = (await db.get<{ page_size: number }>('PRAGMA page_size'))?.page_size ?? 0;
  const statuses = (await db.get<{ n: number }>('SELECT count(*) AS n FROM statuses'))?.n ?? 0;
  const authors = (await db.get<{ n: number }>('SELECT count(*) AS n FROM authors'))?.n ?? 0;
  const dbInfo = { pages: pageCount, pageBytes, bytes: pageCount * pageBytes, statuses, authors };
  log(`database: ${statuses} statuses, ${authors} authors, ${fmt(dbInfo.bytes / 1048576, 1)} MB`);
  if (statuses !== rows) log(`WARNING: expected ${rows} statuses, found ${statuses}`);

  return {
    label,
    rows,
    pageSize,
    sqliteVersion,
    settings,
    setupMs,
    ingest,
    embeddings,
    rescoreMs,
    page: pageSummary,
    fts: ftsSummary,
    fts1: summarize(fts1),
    fts2: summarize(fts2),
    ftsHitsMean,
    plans,
    db: dbInfo,
  };
}
