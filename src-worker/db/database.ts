/**
 * A small promise-based SQLite connection over wa-sqlite, the same in the browser worker and in
 * Node: only the VFS underneath differs.
 *
 * wa-sqlite's calls are asynchronous, so two callers could interleave statements inside one
 * transaction. Every public call therefore runs under one queue (`exclusive`), and a transaction
 * holds it from BEGIN to COMMIT; statements inside a transaction use the `Tx` handed to the callback.
 */
import * as SQLite from '@journeyapps/wa-sqlite';

export type SqlValue = string | number | bigint | Uint8Array | null;
export type SqlParams = readonly SqlValue[];
export type Row = Record<string, SqlValue>;

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

/** A row as `Tx.scan` shows it: its columns read one at a time, valid during the visit only. */
export interface RowReader {
  number(column: number): number;
  /** A view of the blob in SQLite's memory: copy what is kept. */
  blob(column: number): Uint8Array;
}

/** The statements available inside a transaction (and, under the lock, outside one). */
export interface Tx {
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  all<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  exec(sql: string): Promise<void>;
  /**
   * Visits each row without making an object of it: for reading many rows straight into memory of
   * the caller's (vectors), where an object per row would be garbage at once.
   */
  scan(sql: string, params: SqlParams, visit: (row: RowReader) => void): Promise<number>;
}

interface CachedStatement {
  handle: number;
}

export type WriteKind = 'insert' | 'update' | 'delete';
/** What a committed transaction wrote: each table it changed, and how. */
export type Written = ReadonlyMap<string, ReadonlySet<WriteKind>>;

/** A statement that writes rows: its verb, and its table's schema and name. */
const WRITE =
  /^\s*(INSERT|REPLACE|UPDATE|DELETE)\b(?:\s+OR\s+\w+)?\s+(?:INTO\s+|FROM\s+)?(?:(\w+)\.)?["`]?(\w+)/i;

/** What a statement writes, if it writes to a table of the database (not a temporary one). */
function writeOf(sql: string): { table: string; kind: WriteKind } | null {
  const match = WRITE.exec(sql);
  if (!match || match[2]?.toLowerCase() === 'temp') return null;
  const verb = match[1]!.toUpperCase();
  return { table: match[3]!, kind: verb === 'DELETE' ? 'delete' : verb === 'UPDATE' ? 'update' : 'insert' };
}

export class SqliteError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'SqliteError';
  }
}

export class Database implements Tx {
  #statements = new Map<string, CachedStatement>();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** What the transaction under way has written, or null outside one. */
  #written: Map<string, Set<WriteKind>> | null = null;
  /** Hears what each committed transaction (or statement outside one) wrote. */
  onCommit: ((written: Written) => void) | null = null;

  private constructor(
    readonly sqlite3: SQLiteAPI,
    readonly handle: number,
    readonly fileName: string,
  ) {}

  static async open(sqlite3: SQLiteAPI, fileName: string, vfsName?: string): Promise<Database> {
    const flags = SQLite.SQLITE_OPEN_READWRITE | SQLite.SQLITE_OPEN_CREATE;
    const handle = await sqlite3.open_v2(fileName, flags, vfsName);
    return new Database(sqlite3, handle, fileName);
  }

  /** Runs `work` alone: no other call of this connection starts until it settles. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(() => {
      if (this.#closed) throw new SqliteError('database is closed', SQLite.SQLITE_MISUSE);
      return work();
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** BEGIN IMMEDIATE … COMMIT under the lock; rolls back if `work` throws. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.transactionUnlocked(work));
  }

  /** For callers that already hold the lock through `exclusive`. */
  async transactionUnlocked<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    await this.execUnlocked('BEGIN IMMEDIATE');
    const written = new Map<string, Set<WriteKind>>();
    this.#written = written;
    try {
      const result = await work(this.#tx);
      await this.execUnlocked('COMMIT');
      this.#written = null;
      if (written.size > 0) this.onCommit?.(written);
      return result;
    } catch (error) {
      this.#written = null;
      if (!this.sqlite3.get_autocommit(this.handle)) await this.execUnlocked('ROLLBACK');
      throw error;
    }
  }

  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return this.exclusive(() => this.runUnlocked(sql, params));
  }

  all<T = Row>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.exclusive(() => this.allUnlocked<T>(sql, params));
  }

  async get<T = Row>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  exec(sql: string): Promise<void> {
    return this.exclusive(() => this.execUnlocked(sql));
  }

  scan(sql: string, params: SqlParams, visit: (row: RowReader) => void): Promise<number> {
    return this.exclusive(() => this.scanUnlocked(sql, params, visit));
  }

  /** Statement access for code that already holds the lock. */
  readonly #tx: Tx = {
    run: (sql, params = []) => this.runUnlocked(sql, params),
    all: <T>(sql: string, params: SqlParams = []) => this.allUnlocked<T>(sql, params),
    get: async <T>(sql: string, params: SqlParams = []) => (await this.allUnlocked<T>(sql, params))[0],
    exec: (sql) => this.execUnlocked(sql),
    scan: (sql, params, visit) => this.scanUnlocked(sql, params, visit),
  };

  get unlocked(): Tx {
    return this.#tx;
  }

  async close(): Promise<void> {
    await this.exclusive(async () => {
      for (const statement of this.#statements.values()) {
        await this.sqlite3.finalize(statement.handle);
      }
      this.#statements.clear();
      await this.sqlite3.close(this.handle);
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  private async execUnlocked(sql: string): Promise<void> {
    await this.sqlite3.exec(this.handle, sql);
    for (const statement of sql.split(';')) this.#noteWrite(statement);
  }

  /**
   * Notes a statement that wrote (`changes`, read only for one that writes, says whether it changed
   * any row): in the transaction's account, or heard at once outside one.
   */
  #noteWrite(sql: string, changes: () => number = () => 1): void {
    const write = writeOf(sql);
    if (!write || changes() === 0) return;
    if (this.#written) {
      let kinds = this.#written.get(write.table);
      if (!kinds) this.#written.set(write.table, (kinds = new Set()));
      kinds.add(write.kind);
    } else this.onCommit?.(new Map([[write.table, new Set([write.kind])]]));
  }

  private async runUnlocked(sql: string, params: SqlParams): Promise<RunResult> {
    const statement = await this.prepare(sql);
    try {
      this.bind(statement.handle, params);
      while ((await this.sqlite3.step(statement.handle)) === SQLite.SQLITE_ROW) {
        // A RETURNING clause or a pragma may produce rows; `run` ignores them.
      }
    } finally {
      await this.sqlite3.reset(statement.handle);
    }
    const changes = this.sqlite3.changes(this.handle);
    this.#noteWrite(sql, () => changes);
    return { changes, lastInsertRowid: this.sqlite3.last_insert_id(this.handle) };
  }

  private async allUnlocked<T>(sql: string, params: SqlParams): Promise<T[]> {
    const statement = await this.prepare(sql);
    const rows: T[] = [];
    // Read once per run, not once per statement: SQLite re-prepares a cached statement after a
    // schema change, and `SELECT *` may then have other columns.
    let columns: string[] | null = null;
    try {
      this.bind(statement.handle, params);
      while ((await this.sqlite3.step(statement.handle)) === SQLite.SQLITE_ROW) {
        columns ??= this.sqlite3.column_names(statement.handle);
        const values = this.sqlite3.row(statement.handle);
        const row: Record<string, unknown> = {};
        for (let i = 0; i < values.length; i++) {
          const value = values[i];
          // wa-sqlite hands out blobs as views into WebAssembly memory: copy them out.
          row[columns[i]!] = value instanceof Uint8Array ? value.slice() : value;
        }
        rows.push(row as T);
      }
    } finally {
      await this.sqlite3.reset(statement.handle);
    }
    // An INSERT … RETURNING writes too.
    this.#noteWrite(sql, () => this.sqlite3.changes(this.handle));
    return rows;
  }

  private async scanUnlocked(
    sql: string,
    params: SqlParams,
    visit: (row: RowReader) => void,
  ): Promise<number> {
    const statement = await this.prepare(sql);
    const handle = statement.handle;
    const reader: RowReader = {
      number: (column) => this.sqlite3.column_double(handle, column),
      blob: (column) => this.sqlite3.column_blob(handle, column),
    };
    let rows = 0;
    try {
      this.bind(handle, params);
      while ((await this.sqlite3.step(handle)) === SQLite.SQLITE_ROW) {
        visit(reader);
        rows++;
      }
    } finally {
      await this.sqlite3.reset(handle);
    }
    return rows;
  }

  private bind(handle: number, params: SqlParams): void {
    this.sqlite3.clear_bindings(handle);
    for (let i = 0; i < params.length; i++) {
      const value = params[i];
      if (value === undefined) {
        throw new SqliteError(`parameter ${i + 1} is undefined`, SQLite.SQLITE_MISUSE);
      }
      if (value === null) {
        this.sqlite3.bind_null(handle, i + 1);
      } else if (typeof value === 'number') {
        if (value === (value | 0)) this.sqlite3.bind_int(handle, i + 1, value);
        else if (Number.isSafeInteger(value)) this.sqlite3.bind_int64(handle, i + 1, BigInt(value));
        else this.sqlite3.bind_double(handle, i + 1, value);
      } else if (typeof value === 'string' && value.includes('\0')) {
        // wa-sqlite hands SQLite a C string, which ends at the first NUL: the rest of the text
        // would be lost. NUL has no place in text (HTML parsers read it as U+FFFD too).
        this.sqlite3.bind(handle, i + 1, value.replaceAll('\0', '\uFFFD'));
      } else {
        this.sqlite3.bind(handle, i + 1, value);
      }
    }
  }

  private async prepare(sql: string): Promise<CachedStatement> {
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    for await (const handle of this.sqlite3.statements(this.handle, sql, { unscoped: true })) {
      const statement = { handle };
      this.#statements.set(sql, statement);
      return statement;
    }
    throw new SqliteError(`no statement in: ${sql.slice(0, 80)}`, SQLite.SQLITE_MISUSE);
  }
}
