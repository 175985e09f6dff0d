/**
 * The data engine: opens (and checks) the database on a host, and implements `WorkerApi` as one
 * table of named commands, assembled from the groups in commands/. Each command is timed and its
 * errors are shaped as {kind, message}; writes run in one transaction each.
 */
import { Database, type Tx, type Written } from './db/database';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './db/migrate';
import {
  DATABASE_FILE,
  DATABASE_FILES,
  deleteVfsFiles,
  readVfsFile,
  vfsFileSize,
  type EngineHost,
} from './host';
import { checkSlice, checkTargets, type Target } from './db/integrity';
import { EngineError, toErrorShape } from './errors';
import { countPosts } from './store/posts';
import { readSetting, writeSetting, type IntegrityState } from './store/settings';
import type { EngineStatus, WorkerApi } from '../src-shared/worker-api';
import { EVERYTHING, SYNC_STATE } from './changes';
import { createCommandContext } from './commands/context';
import { databaseCommands } from './commands/database';
import { accountCommands } from './commands/accounts';
import { ingestCommands } from './commands/ingest';
import { rankingCommands } from './commands/ranking';
import { timelineCommands } from './commands/timeline';
import { mastodonCommands, type MastodonCommands } from './commands/mastodon';
import { actionCommands } from './commands/actions';
import { syncCommands } from './commands/sync';
import { serverCommands } from './commands/servers';
import { searchCommands } from './commands/search';
import { interactionCommands } from './commands/interactions';
import { upkeepCommands } from './commands/upkeep';
import { storageCommands } from './commands/storage';
import { eventCommands } from './commands/events';
import { imageCommands } from './commands/images';
import { privacyCommands } from './commands/privacy';
import { notificationCommands } from './commands/notifications';

export interface EngineOptions {
  /** Clock, for tests. */
  now?: () => number;
  /** Called for each command slower than `slowMs`. */
  onSlowCall?: (name: string, ms: number) => void;
  slowMs?: number;
  /**
   * Keeps the home timeline's first page beside the database for the next start, `delayMs` after
   * each change that could alter it (kept-page.ts), when the host has a place for it. `served` is
   * the kept text this start's first page was served from, if it was: checked by the first keep.
   */
  keepFirstPage?: { delayMs: number; served?: string };
}

import { CONNECTION_PRAGMAS, FILE_PRAGMAS } from './db/pragmas';
import { PageKeeper } from './kept-page';

export { CONNECTION_PRAGMAS, FILE_PRAGMAS, OPEN_PRAGMAS } from './db/pragmas';

export class Engine {
  #db: Database | null = null;
  #damage: string | null = null;
  readonly #listeners = new Set<(written: Written) => void>();
  readonly #now: () => number;
  #keeper: PageKeeper | null = null;

  private constructor(
    readonly host: EngineHost,
    readonly options: EngineOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  static async open(host: EngineHost, options: EngineOptions = {}): Promise<Engine> {
    const engine = new Engine(host, options);
    await engine.openDatabase();
    engine.#keep(options.keepFirstPage?.served);
    return engine;
  }

  /** Starts keeping the first page, when asked to and the database is open and sound. */
  #keep(served?: string): void {
    const { keptPage } = this.host;
    const keep = this.options.keepFirstPage;
    if (!keptPage || !keep || this.#damage !== null || !this.#db) return;
    this.#keeper = new PageKeeper(this, keptPage, keep.delayMs, served);
  }

  /** Stops keeping the first page and removes the kept one: the database is about to go. */
  async #dropKeptPage(): Promise<void> {
    await this.#keeper?.stop();
    this.#keeper = null;
    await this.host.keptPage?.remove();
  }

  /** The first page's keeper, when it runs (for tests: `flush()` keeps what is waiting). */
  get keeper(): PageKeeper | null {
    return this.#keeper;
  }

  get now(): number {
    return this.#now();
  }

  /** Hears what each committed write changed (and every table when the database starts anew). */
  onChange(listener: (written: Written) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Says that an account's sync changed state (syncing, live, polling, a problem): kept in memory by
   * the Mastodon client, not in a table, but heard as a change like any write.
   */
  announceSyncState(): void {
    this.#announce(SYNC_STATE);
  }

  /** Says that these tables changed, as a commit does: for changes no commit of this engine made. */
  announce(written: Written): void {
    this.#announce(written);
  }

  #announce(written: Written): void {
    for (const listener of this.#listeners) {
      try {
        listener(written);
      } catch (error) {
        console.error('A change listener failed', error);
      }
    }
  }

  /** The open, checked database; throws a `damaged_database` error while it is damaged. */
  get db(): Database {
    if (this.#damage !== null || !this.#db) {
      throw new EngineError(
        'damaged_database',
        `The database is damaged (${this.#damage ?? 'not open'}). Recover to continue.`,
      );
    }
    return this.#db;
  }

  /**
   * Opens the database. The whole file is checked only after an unclean shutdown (a write cut
   * short leaves its rollback journal behind), so that opening does not grow with the history; the
   * rest of the time it is checked in the background (`checkSlice`).
   */
  private async openDatabase(): Promise<void> {
    const unclean = ((await vfsFileSize(this.host.vfs, `${DATABASE_FILE}-journal`)) ?? 0) > 0;
    const db = await Database.open(this.host.sqlite3, DATABASE_FILE, this.host.vfs.name);
    this.#db = db;
    this.#damage = null;
    this.#checkTargets = null;
    this.checkedAtOpen = false;
    try {
      // The first statement rolls a journal left behind back.
      await db.exec(CONNECTION_PRAGMAS);
      // Only for a file not made yet (or made before it had them): setting auto_vacuum writes the
      // file's header, a durable write at every start.
      const file = await db.get<{ auto_vacuum: number }>('PRAGMA auto_vacuum');
      if (file?.auto_vacuum !== 2) await db.exec(FILE_PRAGMAS);
      if (unclean) {
        this.checkedAtOpen = true;
        const check = await db.all<{ quick_check: string }>('PRAGMA quick_check');
        const problems = check.map((r) => r.quick_check).filter((r) => r !== 'ok');
        if (problems.length > 0) {
          this.#damage = problems.slice(0, 3).join('; ');
          // Its posts are not served again before the person has chosen what to do.
          await this.host.keptPage?.remove().catch(() => undefined);
          return;
        }
      }
      await migrate(db);
      db.onCommit = (written) => this.#announce(written);
    } catch (error) {
      const shape = toErrorShape(error);
      if (shape.kind !== 'damaged_database') throw error;
      this.#damage = shape.message;
      await this.host.keptPage?.remove().catch(() => undefined);
    }
  }

  async status(): Promise<EngineStatus> {
    const recoveredCopies = await this.host.listRecoveredCopies();
    if (this.#damage !== null || !this.#db) {
      return {
        state: 'damaged',
        detail: this.#damage,
        schemaVersion: 0,
        storage: this.host.storage,
        statuses: 0,
        recoveredCopies,
        checkedAtOpen: this.checkedAtOpen,
      };
    }
    let count: { n: number } | undefined;
    try {
      const db = this.#db;
      count = { n: await this.#noticeDamage(db.exclusive(() => countPosts(db.unlocked))) };
    } catch (error) {
      if (this.#damage === null) throw error;
      return this.status();
    }
    return {
      state: 'ready',
      detail: null,
      schemaVersion: await schemaVersion(this.#db),
      storage: this.host.storage,
      statuses: count?.n ?? 0,
      recoveredCopies,
      checkedAtOpen: this.checkedAtOpen,
    };
  }

  /**
   * Keeps the damaged file aside (so nothing is lost for good: it can be exported or opened with
   * other tools) and starts an empty database in its place.
   */
  async recoverDamagedDatabase(): Promise<EngineStatus> {
    if (this.#damage === null) return this.status();
    await this.#dropKeptPage();
    await this.#db?.close().catch(() => undefined);
    this.#db = null;
    const bytes = await readVfsFile(this.host.vfs, DATABASE_FILE);
    if (bytes) {
      const stamp = new Date(this.now).toISOString().replace(/[:.]/g, '-');
      await this.host.saveRecoveredCopy(`corgi-damaged-${stamp}.sqlite`, bytes);
    }
    await deleteVfsFiles(this.host.vfs, DATABASE_FILES);
    await this.openDatabase();
    this.#keep();
    this.#announce(EVERYTHING);
    return this.status();
  }

  /**
   * Removes every trace: the database and its journals, the kept first page, and kept copies; then
   * starts empty.
   */
  async deleteEverything(): Promise<void> {
    await this.#dropKeptPage();
    await this.#db?.close().catch(() => undefined);
    this.#db = null;
    await deleteVfsFiles(this.host.vfs, DATABASE_FILES);
    await this.host.deleteRecoveredCopies();
    await this.openDatabase();
    this.#keep();
    this.#announce(EVERYTHING);
  }

  async databaseBytes(): Promise<Uint8Array> {
    const bytes = await readVfsFile(this.host.vfs, DATABASE_FILE);
    if (!bytes) throw new EngineError('storage_unavailable', 'The database file is missing.');
    return bytes;
  }

  /** Closes the database; a change to the first page still waiting is kept first. */
  async close(): Promise<void> {
    await this.#keeper?.flush().catch(() => undefined);
    await this.#keeper?.stop();
    this.#keeper = null;
    await this.#db?.close();
    this.#db = null;
  }

  write<T>(work: (tx: Tx, now: number) => Promise<T>): Promise<T> {
    return this.#noticeDamage(this.db.transaction((tx) => work(tx, this.now)));
  }

  read<T>(work: (tx: Tx, now: number) => Promise<T>): Promise<T> {
    const db = this.db;
    return this.#noticeDamage(db.exclusive(() => work(db.unlocked, this.now)));
  }

  /**
   * A page SQLite cannot read, met by any command, puts the engine in its damaged state: the
   * person is offered recovery rather than errors one command at a time.
   */
  #noticeDamage<T>(work: Promise<T>): Promise<T> {
    return work.catch((error: unknown) => {
      const shape = toErrorShape(error);
      if (shape.kind === 'damaged_database' && this.#damage === null) {
        this.#damage = shape.message;
        // Its posts are not served at the next start before the person has chosen what to do.
        void this.#dropKeptPage().catch(() => undefined);
      }
      throw error;
    });
  }

  /** Whether the file was checked whole when it was opened (after an unclean shutdown). */
  checkedAtOpen = false;
  /** When a command of the person's last ran (real time): they are there. */
  lastCallAt = 0;
  #checkTargets: Target[] | null = null;

  /**
   * Reads the next slice of the background check (see db/integrity.ts); returns whether the check
   * has gone all the way through. Where it is and when it last finished are kept in `settings`.
   */
  async checkSlice(): Promise<{ done: boolean; completedAt: number | null }> {
    const state = await this.read((tx) => readSetting(tx, 'integrity'));
    // Once a week is enough: it runs only while nothing else does.
    if (
      state.progress === null &&
      state.completedAt !== null &&
      this.now - state.completedAt < CHECK_EVERY_MS
    )
      return { done: true, completedAt: state.completedAt };
    this.#checkTargets ??= await this.read((tx) => checkTargets(tx));
    const next = await this.read((tx) =>
      checkSlice(tx, this.#checkTargets!, state.progress ?? { target: 0, after: null }),
    );
    const saved: IntegrityState = next
      ? { ...state, progress: next }
      : { completedAt: this.now, progress: null };
    await this.write((tx) => writeSetting(tx, 'integrity', saved));
    return { done: next === null, completedAt: saved.completedAt };
  }
}

/** How often the whole database is read again in the background. */
const CHECK_EVERY_MS = 7 * 24 * 3600_000;

/**
 * Commands that say the person is there, reading or choosing: not the screen's own polling (the
 * status, new posts, accounts), the sync's writes or background upkeep, which run whether anyone
 * is there or not.
 */
const PERSON_COMMANDS =
  /^(timeline\.(page|served)|search\.|interactions\.|actions\.(perform|cancel)|ranking\.(refresh|feedback|update)|storage\.setRetention|privacy\.(set|exportEverything|deleteEverything)|accounts\.(upsert|remove|setDefault)|mastodon\.(startSignIn|finishSignIn|signOut|retryNow)|recoverDamagedDatabase)/;

/** Adds timing and error shaping to every command of a nested command table. */
function instrument<T extends object>(table: T, engine: Engine, prefix = ''): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(table)) {
    const fullName = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'function') {
      wrapped[name] = async (...args: unknown[]) => {
        const started = performance.now();
        if (PERSON_COMMANDS.test(fullName)) engine.lastCallAt = Date.now();
        const urgent = engine.keeper?.urgent;
        try {
          const result = await (value as (...a: unknown[]) => Promise<unknown>)(...args);
          // A change the next start must not miss (an account signed out, a picture host allowed)
          // is kept before the command answers (kept-page.ts).
          if (engine.keeper && engine.keeper.urgent !== urgent)
            await engine.keeper.settled().catch(() => undefined);
          return result;
        } catch (error) {
          const shape = toErrorShape(error);
          throw new EngineError(shape.kind, shape.message);
        } finally {
          const ms = performance.now() - started;
          if (ms > (engine.options.slowMs ?? 250)) engine.options.onSlowCall?.(fullName, ms);
        }
      };
    } else if (typeof value === 'object' && value !== null) {
      wrapped[name] = instrument(value, engine, fullName);
    }
  }
  return wrapped as T;
}

export type { MastodonCommands };

export function createWorkerApi(engine: Engine, mastodon?: () => MastodonCommands): WorkerApi {
  const context = createCommandContext(engine, mastodon);
  const api: WorkerApi = {
    ...databaseCommands(context),
    accounts: accountCommands(context),
    ingest: ingestCommands(context),
    ranking: rankingCommands(context),
    timeline: timelineCommands(context),
    mastodon: mastodonCommands(context),
    actions: actionCommands(context),
    sync: syncCommands(context),
    servers: serverCommands(context),
    search: searchCommands(context),
    notifications: notificationCommands(context),
    interactions: interactionCommands(context),
    upkeep: upkeepCommands(context),
    storage: storageCommands(context),
    events: eventCommands(context),
    images: imageCommands(context),
    privacy: privacyCommands(context),
  };
  return instrument(api, engine);
}

export { LATEST_SCHEMA_VERSION };
