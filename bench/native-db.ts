/**
 * better-sqlite3 behind the engine's `Tx` interface, as the native reference: the same ingest and
 * store code runs on it unchanged. Statements are prepared once and cached by SQL text, as
 * `Database` does over wa-sqlite; calls are serialized through one queue, and `transaction` is
 * BEGIN IMMEDIATE … COMMIT with rollback on error, so `migrate()` can use it as a `Database`.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { Row, RunResult, SqlParams, Tx } from '../src-worker/db/database';
import type { BenchDb } from './workload';

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

export class NativeDatabase implements BenchDb {
  readonly #db: BetterSqlite3.Database;
  readonly #statements = new Map<string, Statement>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly fileName: string) {
    this.#db = new BetterSqlite3(fileName);
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run(sql: string, params: SqlParams): RunResult {
    const result = this.#prepare(sql).run(...params);
    return { changes: result.changes, lastInsertRowid: Number(result.lastInsertRowid) };
  }

  #all<T>(sql: string, params: SqlParams): T[] {
    const statement = this.#prepare(sql);
    // Like wa-sqlite, a statement that returns no data yields no rows.
    if (!statement.reader) {
      statement.run(...params);
      return [];
    }
    return statement.all(...params) as T[];
  }

  readonly unlocked: Tx = {
    run: async (sql, params = []) => this.#run(sql, params),
    all: async <T>(sql: string, params: SqlParams = []) => this.#all<T>(sql, params),
    get: async <T>(sql: string, params: SqlParams = []) => this.#all<T>(sql, params)[0],
    exec: async (sql) => void this.#db.exec(sql),
    scan: async (sql, params, visit) => {
      let rows = 0;
      for (const values of this.#prepare(sql)
        .raw(true)
        .iterate(...params) as Iterable<unknown[]>) {
        visit({ number: (c) => Number(values[c]), blob: (c) => values[c] as Uint8Array });
        rows++;
      }
      this.#prepare(sql).raw(false);
      return rows;
    },
  };

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.unlocked);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return this.exclusive(() => this.unlocked.run(sql, params));
  }
  all<T = Row>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.exclusive(() => this.unlocked.all<T>(sql, params));
  }
  get<T = Row>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return this.exclusive(() => this.unlocked.get<T>(sql, params));
  }
  exec(sql: string): Promise<void> {
    return this.exclusive(() => this.unlocked.exec(sql));
  }
  scan(sql: string, params: SqlParams, visit: Parameters<Tx['scan']>[2]): Promise<number> {
    return this.exclusive(() => this.unlocked.scan(sql, params, visit));
  }

  close(): Promise<void> {
    return this.exclusive(async () => {
      this.#statements.clear();
      this.#db.close();
    });
  }
}
