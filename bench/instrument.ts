/**
 * Bench-only instrumentation, usable in Node and in the browser worker: I/O counters on a wa-sqlite
 * VFS (how much of the time is file access), and a timing wrapper around a `Tx` (how much of the
 * ingest is spent inside SQL statements, and in which).
 */
import type { RunResult, SqlParams, Tx } from '../src-worker/db/database';

export interface IoOp {
  calls: number;
  ms: number;
  bytes: number;
}

export interface IoStats {
  read: IoOp;
  write: IoOp;
  sync: IoOp;
  truncate: IoOp;
  size: IoOp;
}

const IO_METHODS = {
  jRead: 'read',
  jWrite: 'write',
  jSync: 'sync',
  jTruncate: 'truncate',
  jFileSize: 'size',
} as const;

export function emptyIo(): IoStats {
  const op = () => ({ calls: 0, ms: 0, bytes: 0 });
  return { read: op(), write: op(), sync: op(), truncate: op(), size: op() };
}

export function ioDelta(after: IoStats, before: IoStats): IoStats {
  const out = emptyIo();
  for (const key of Object.keys(out) as (keyof IoStats)[]) {
    out[key] = {
      calls: after[key].calls - before[key].calls,
      ms: after[key].ms - before[key].ms,
      bytes: after[key].bytes - before[key].bytes,
    };
  }
  return out;
}

export function ioTotalMs(io: IoStats): number {
  return io.read.ms + io.write.ms + io.sync.ms + io.truncate.ms + io.size.ms;
}

export function formatIo(io: IoStats): string {
  const mb = (b: number) => (b / 1048576).toFixed(1);
  return (
    `read ${io.read.calls}× ${mb(io.read.bytes)} MB ${io.read.ms.toFixed(0)} ms, ` +
    `write ${io.write.calls}× ${mb(io.write.bytes)} MB ${io.write.ms.toFixed(0)} ms, ` +
    `sync ${io.sync.calls}× ${io.sync.ms.toFixed(0)} ms, truncate ${io.truncate.calls}× ${io.truncate.ms.toFixed(0)} ms, ` +
    `size ${io.size.calls}× ${io.size.ms.toFixed(0)} ms`
  );
}

/**
 * Wraps the file methods of a FacadeVFS-style object (the VFS calls them through `this`, so
 * instance properties take effect even after registration). Returns a live snapshot function.
 */
export function instrumentVfs(vfs: object): () => IoStats {
  const stats = emptyIo();
  const target = vfs as Record<string, unknown>;
  for (const [method, key] of Object.entries(IO_METHODS)) {
    const original = target[method] as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') continue;
    target[method] = function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      const result = original.apply(this, args);
      const op = stats[key];
      op.calls++;
      op.ms += performance.now() - started;
      if (key === 'read' || key === 'write') op.bytes += (args[1] as Uint8Array).byteLength;
      return result;
    };
  }
  return () => structuredClone(stats);
}

export interface StatementStat {
  sql: string;
  calls: number;
  ms: number;
}

/** A Tx that times every statement; `totalMs` is the time spent inside SQL calls. */
export class TimedTx implements Tx {
  readonly stats = new Map<string, StatementStat>();
  totalMs = 0;
  inner: Tx | null = null;

  #record(sql: string, ms: number): void {
    this.totalMs += ms;
    let stat = this.stats.get(sql);
    if (!stat) this.stats.set(sql, (stat = { sql: sql.replace(/\s+/g, ' ').trim(), calls: 0, ms: 0 }));
    stat.calls++;
    stat.ms += ms;
  }

  async #time<T>(sql: string, call: (tx: Tx) => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call(this.inner!);
    } finally {
      this.#record(sql, performance.now() - started);
    }
  }

  run(sql: string, params?: SqlParams): Promise<RunResult> {
    return this.#time(sql, (tx) => tx.run(sql, params));
  }
  all<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.#time(sql, (tx) => tx.all<T>(sql, params));
  }
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.#time(sql, (tx) => tx.get<T>(sql, params));
  }
  exec(sql: string): Promise<void> {
    return this.#time(sql, (tx) => tx.exec(sql));
  }
  scan(sql: string, params: SqlParams, visit: Parameters<Tx['scan']>[2]): Promise<number> {
    return this.#time(sql, (tx) => tx.scan(sql, params, visit));
  }

  top(n: number): StatementStat[] {
    return [...this.stats.values()].sort((a, b) => b.ms - a.ms).slice(0, n);
  }
}

/** A Tx that remembers the statements it was handed, to EXPLAIN the real queries afterwards. */
export function recordingTx(inner: Tx, seen: { sql: string; params: SqlParams }[]): Tx {
  return {
    run: (sql, params = []) => (seen.push({ sql, params }), inner.run(sql, params)),
    all: <T>(sql: string, params: SqlParams = []) => (seen.push({ sql, params }), inner.all<T>(sql, params)),
    get: <T>(sql: string, params: SqlParams = []) => (seen.push({ sql, params }), inner.get<T>(sql, params)),
    exec: (sql) => inner.exec(sql),
    scan: (sql, params, visit) => (seen.push({ sql, params }), inner.scan(sql, params, visit)),
  };
}
