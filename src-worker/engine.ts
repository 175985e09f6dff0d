/**
 * The data engine: opens (and checks) the database on a host, and implements `WorkerApi` as one
 * table of named commands. Each command is timed and its errors are shaped as {kind, message};
 * writes run in one transaction each.
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
import { checkSlice, checkTargets, type CheckProgress, type Target } from './db/integrity';
import { EngineError, toErrorShape } from './errors';
import { ingestStatuses } from './ingest/ingest-statuses';
import { timelineGaps } from './ingest/stretches';
import {
  applyDeletions,
  listAccounts,
  removeAccount,
  setAccountState,
  setDefaultAccount,
  upsertAccount,
} from './store/accounts';
import { getSyncCursor, recentRemoteIds, saveSyncCursor } from './store/sync-cursors';
import { cancelAction, listOutbox, performAction } from './store/outbox';
import { replaceFilters, replaceRelations } from './store/account-rules';
import { countPosts, postsById, searchPosts, timelinePage } from './store/posts';
import { postList, threadOf } from './store/post-lists';
import {
  fieldDiagnostics,
  forgetSteps,
  listFeatures,
  listSteps,
  recordAccountDiagnostics,
  recordStep,
  saveServer,
  serverInfo,
  setFeature,
} from './store/servers';
import { recordInteraction, undoInteraction } from './store/interactions';
import { applyRetention, exportEverything, getPrivacy, setPrivacy } from './store/privacy';
import type { EngineStatus, WorkerApi } from '../src-shared/worker-api';
import { dropOldPosts, retentionView, setKeepMonths } from './store/retention';
import { domainsOf, EVERYTHING, SYNC_STATE } from './changes';
import { countNewPosts, embedPending, forgetModelSnapshot, RankingMemory } from './rank/ranking-store';
import {
  feedbackOnReason,
  learnFromDayOld,
  logServedPage,
  rankingSettingsView,
  refreshFeed,
  updateRankingSettings,
} from './rank/feed';

export interface EngineOptions {
  /** Clock, for tests. */
  now?: () => number;
  /** Called for each command slower than `slowMs`. */
  onSlowCall?: (name: string, ms: number) => void;
  slowMs?: number;
}

/** Pragmas applied on every open. See DESIGN: large pages and cache, never commit per row. */
export const OPEN_PRAGMAS = `
  PRAGMA page_size = 16384;
  PRAGMA cache_size = -65536;
  PRAGMA journal_mode = TRUNCATE;
  PRAGMA synchronous = FULL;
  PRAGMA foreign_keys = ON;
  PRAGMA secure_delete = FAST;
  PRAGMA temp_store = MEMORY;
  PRAGMA auto_vacuum = INCREMENTAL;
`;

export class Engine {
  #db: Database | null = null;
  #damage: string | null = null;
  readonly #listeners = new Set<(written: Written) => void>();
  readonly #now: () => number;

  private constructor(
    readonly host: EngineHost,
    readonly options: EngineOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  static async open(host: EngineHost, options: EngineOptions = {}): Promise<Engine> {
    const engine = new Engine(host, options);
    await engine.openDatabase();
    return engine;
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
      await db.exec(OPEN_PRAGMAS);
      if (unclean) {
        this.checkedAtOpen = true;
        const check = await db.all<{ quick_check: string }>('PRAGMA quick_check');
        const problems = check.map((r) => r.quick_check).filter((r) => r !== 'ok');
        if (problems.length > 0) {
          this.#damage = problems.slice(0, 3).join('; ');
          return;
        }
      }
      await migrate(db);
      db.onCommit = (written) => this.#announce(written);
    } catch (error) {
      const shape = toErrorShape(error);
      if (shape.kind !== 'damaged_database') throw error;
      this.#damage = shape.message;
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
    await this.#db?.close().catch(() => undefined);
    this.#db = null;
    const bytes = await readVfsFile(this.host.vfs, DATABASE_FILE);
    if (bytes) {
      const stamp = new Date(this.now).toISOString().replace(/[:.]/g, '-');
      await this.host.saveRecoveredCopy(`corgi-damaged-${stamp}.sqlite`, bytes);
    }
    await deleteVfsFiles(this.host.vfs, DATABASE_FILES);
    await this.openDatabase();
    this.#announce(EVERYTHING);
    return this.status();
  }

  /** Removes every trace: the database and its journals, and kept copies; then starts empty. */
  async deleteEverything(): Promise<void> {
    await this.#db?.close().catch(() => undefined);
    this.#db = null;
    await deleteVfsFiles(this.host.vfs, DATABASE_FILES);
    await this.host.deleteRecoveredCopies();
    await this.openDatabase();
    this.#announce(EVERYTHING);
  }

  async databaseBytes(): Promise<Uint8Array> {
    const bytes = await readVfsFile(this.host.vfs, DATABASE_FILE);
    if (!bytes) throw new EngineError('storage_unavailable', 'The database file is missing.');
    return bytes;
  }

  async close(): Promise<void> {
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
      if (shape.kind === 'damaged_database' && this.#damage === null) this.#damage = shape.message;
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
    const state = await this.read(async (tx) => {
      const row = await tx.get<{ value: string }>("SELECT value FROM settings WHERE key = 'integrity'");
      return row ? (JSON.parse(row.value) as IntegrityState) : { completedAt: null, progress: null };
    });
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
    await this.write((tx) =>
      tx.run(
        `INSERT INTO settings (key, value) VALUES ('integrity', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [JSON.stringify(saved)],
      ),
    );
    return { done: next === null, completedAt: saved.completedAt };
  }
}

/** How often the whole database is read again in the background. */
const CHECK_EVERY_MS = 7 * 24 * 3600_000;

interface IntegrityState {
  /** When the last background check went all the way through. */
  completedAt: number | null;
  /** Where the one under way has got to. */
  progress: CheckProgress | null;
}

/**
 * Commands that say the person is there, reading or choosing: not the screen's own polling (the
 * status, new posts, accounts), the sync's writes or background upkeep, which run whether anyone
 * is there or not.
 */
const PERSON_COMMANDS =
  /^(timeline\.page|search\.|interactions\.|actions\.(perform|cancel)|ranking\.(refresh|feedback|update)|storage\.setRetention|privacy\.(set|exportEverything|deleteEverything)|accounts\.(upsert|remove|setDefault)|mastodon\.(startSignIn|finishSignIn|signOut|retryNow)|recoverDamagedDatabase)/;

/** Adds timing and error shaping to every command of a nested command table. */
function instrument<T extends object>(table: T, engine: Engine, prefix = ''): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(table)) {
    const fullName = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'function') {
      wrapped[name] = async (...args: unknown[]) => {
        const started = performance.now();
        if (PERSON_COMMANDS.test(fullName)) engine.lastCallAt = Date.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
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

/** The Mastodon side of the API, where the platform provides one (the app's worker). */
export interface MastodonCommands {
  start(options?: { vault?: import('../src-shared/host-api').HostVault }): Promise<void>;
  startSignIn(instance: string, options?: { redirectUri?: string; state?: string }): Promise<{ url: string }>;
  finishSignIn(callbackUrl: string): Promise<import('../src-shared/worker-api').Account>;
  signOut(accountId: number): Promise<void>;
  status(): Promise<import('../src-shared/worker-api').MastodonAccountStatus[]>;
  setForeground(foreground: boolean): void;
  retryNow(accountId: number): void;
  kick(): void;
  forgetEverything(): Promise<void>;
}

function unavailable(): never {
  throw new EngineError('not_found', 'Signing in to Mastodon is not available here.');
}

export function createWorkerApi(engine: Engine, mastodon?: () => MastodonCommands): WorkerApi {
  const memory = new RankingMemory();
  // Whatever makes the person model wrong deletes its saved snapshot in the same transaction
  // (`forgetModelSnapshot`): the model in memory goes when that commits.
  engine.onChange((written) => {
    if (written.get('person_model_snapshot')?.has('delete')) memory.forgetModel();
  });
  let listeners = 0;
  const subscriptions = new Map<number, () => void>();
  let pages = 0;
  /** A write that may bring the ranking's memory up to date: if it rolls back, that memory goes too. */
  const rankingWrite = <T>(work: (tx: Tx, now: number) => Promise<T>): Promise<T> =>
    engine.write(work).catch((error: unknown) => {
      memory.forgetModel();
      throw error;
    });
  /** A change to the signed-in accounts: whose timelines the person model reads. */
  const accountsWrite = <T>(work: (tx: Tx, now: number) => Promise<T>): Promise<T> => {
    return engine.write(async (tx, now) => {
      const done = await work(tx, now);
      await forgetModelSnapshot(tx);
      return done;
    });
  };
  /**
   * A write that may delete posts: their vectors leave memory at once, and the person model, which
   * learned from them, is built again; if it rolls back, the vectors are read again.
   */
  const deletingWrite = async <T>(
    work: (tx: Tx, now: number, tombstoned: (statusId: number) => void) => Promise<T>,
  ): Promise<T> => {
    let emptied = false;
    const tombstoned = (statusId: number): void => {
      memory.index.delete(statusId);
      emptied = true;
    };
    try {
      return await engine.write(async (tx, now) => {
        const done = await work(tx, now, tombstoned);
        if (emptied) await forgetModelSnapshot(tx);
        return done;
      });
    } catch (error) {
      if (emptied) memory.forget();
      throw error;
    }
  };
  const api: WorkerApi = {
    status: () => engine.status(),
    recoverDamagedDatabase: async () => {
      const status = await engine.recoverDamagedDatabase();
      // What memory held came from the database that is gone.
      memory.forget();
      return status;
    },
    accounts: {
      list: () => engine.read((tx) => listAccounts(tx)),
      upsert: (input) => accountsWrite((tx, now) => upsertAccount(tx, input, now)),
      setDefault: (accountId) => engine.write((tx) => setDefaultAccount(tx, accountId)),
      setState: (accountId, state, reason) =>
        engine.write((tx, now) => setAccountState(tx, accountId, state, reason ?? null, now)),
      remove: async (accountId) => {
        await accountsWrite((tx) => removeAccount(tx, accountId));
        // Its posts may have gone with it: their vectors are read again.
        memory.forget();
      },
    },
    ingest: {
      statuses: (page) => engine.write((tx, now) => ingestStatuses(tx, page, now)),
      deletions: (accountId, remoteIds) =>
        deletingWrite((tx, now, tombstoned) => applyDeletions(tx, accountId, remoteIds, now, tombstoned)),
    },
    ranking: {
      settings: () => engine.read((tx) => rankingSettingsView(tx)),
      update: (patch) =>
        rankingWrite(async (tx, now) => {
          // A ranking due to be learned from is learned from under the weights it was made with.
          await learnFromDayOld(tx, now);
          await updateRankingSettings(tx, patch);
          await refreshFeed(tx, memory, now, { learn: false });
          return rankingSettingsView(tx);
        }),
      refresh: () => rankingWrite((tx, now) => refreshFeed(tx, memory, now)),
      newPosts: () => engine.read((tx, now) => countNewPosts(tx, now)),
      feedback: (input) => rankingWrite((tx, now) => feedbackOnReason(tx, memory, input, now)),
      embedPending: (limit) =>
        engine
          .write((tx, now) => embedPending(tx, memory, now, limit))
          .catch((error: unknown) => {
            // The batch was rolled back: what it counted and indexed in memory is read again.
            memory.forget();
            throw error;
          }),
    },
    timeline: {
      page: (query) => {
        if (query.order !== 'ranked') return engine.read((tx, now) => timelinePage(tx, query, now));
        // Serving a ranked page is a write: the first one ranks, and every one is logged.
        return rankingWrite(async (tx, now) => {
          if (!query.cursor) {
            const ranked = await tx.get<{ n: number }>(
              'SELECT count(*) AS n FROM feed WHERE position IS NOT NULL',
            );
            if (!ranked?.n) await refreshFeed(tx, memory, now);
          }
          const page = await timelinePage(tx, query, now);
          await logServedPage(
            tx,
            page.posts.map((p) => p.id),
            `${now}-${++pages}`,
            now,
          );
          return page;
        });
      },
      gaps: (accountId, timeline) => engine.read((tx) => timelineGaps(tx, accountId, timeline)),
      posts: (ids) => engine.read((tx) => postsById(tx, ids)),
      list: (query) => engine.read((tx) => postList(tx, query)),
      thread: (statusId) => engine.read((tx) => threadOf(tx, statusId)),
    },
    mastodon: {
      start: async (options) => (mastodon ?? unavailable)().start(options),
      startSignIn: async (instance, options) => (mastodon ?? unavailable)().startSignIn(instance, options),
      finishSignIn: async (url) => (mastodon ?? unavailable)().finishSignIn(url),
      signOut: async (accountId) => (mastodon ?? unavailable)().signOut(accountId),
      status: async () => (mastodon ? mastodon().status() : []),
      setForeground: async (foreground) => mastodon?.().setForeground(foreground === true),
      retryNow: async (accountId) => mastodon?.().retryNow(accountId),
    },
    actions: {
      perform: async (input) => {
        const item = await deletingWrite((tx, now, tombstoned) => performAction(tx, input, now, tombstoned));
        mastodon?.().kick();
        return item;
      },
      list: (states) => engine.read((tx) => listOutbox(tx, states)),
      cancel: (outboxId) => engine.write((tx, now) => cancelAction(tx, outboxId, now)),
    },
    sync: {
      cursor: (accountId, source) => engine.read((tx) => getSyncCursor(tx, accountId, source)),
      saveCursor: (accountId, update) =>
        engine.write((tx, now) => saveSyncCursor(tx, accountId, update, now)),
      recentRemoteIds: (accountId, sinceMs, limit) =>
        engine.read((tx) => recentRemoteIds(tx, accountId, sinceMs, limit)),
      saveFilters: (accountId, filters) =>
        engine.write((tx, now) => replaceFilters(tx, accountId, filters, now)),
      saveRelations: async (accountId, kind, accounts) => {
        // Followed authors' rates are kept apart from strangers' from the first observation on:
        // when whom the person follows changes, the model is built again.
        const follows = (tx: Tx): Promise<{ list: string | null } | undefined> =>
          tx.get(
            'SELECT group_concat(acct) AS list FROM (SELECT acct FROM account_follows WHERE account_id = ? ORDER BY acct)',
            [accountId],
          );
        return engine.write(async (tx) => {
          const before = kind === 'follow' ? await follows(tx) : undefined;
          const saved = await replaceRelations(tx, accountId, kind, accounts);
          if (kind === 'follow' && (await follows(tx))?.list !== before?.list) await forgetModelSnapshot(tx);
          return saved;
        });
      },
    },
    servers: {
      save: (accountId, info, raw, features) =>
        engine.write((tx, now) => saveServer(tx, accountId, info, raw, features, now)),
      info: (accountId) => engine.read((tx) => serverInfo(tx, accountId)),
      setFeature: (accountId, feature, state) =>
        engine.write((tx, now) => setFeature(tx, accountId, feature, state, now)),
      features: (accountId) => engine.read((tx) => listFeatures(tx, accountId)),
      recordStep: (accountId, step, outcome) =>
        engine.write((tx, now) => recordStep(tx, accountId, step, outcome, now)),
      steps: (accountId) => engine.read((tx) => listSteps(tx, accountId)),
      forgetSteps: (accountId, steps) => engine.write((tx) => forgetSteps(tx, accountId, steps)),
      diagnostics: (instance) => engine.read((tx) => fieldDiagnostics(tx, instance)),
      recordDiagnostics: (accountId, dropped) =>
        engine.write((tx, now) => recordAccountDiagnostics(tx, accountId, dropped, now)),
    },
    search: {
      posts: (query, limit) => engine.read((tx) => searchPosts(tx, query, limit)),
    },
    interactions: {
      record: (input) =>
        engine.write(async (tx, now) => recordInteraction(tx, input, (await getPrivacy(tx)).level, now)),
      undo: (input) => engine.write((tx, now) => undoInteraction(tx, input, now)),
    },
    upkeep: {
      checkIntegrity: () => engine.checkSlice(),
      idleMs: async () =>
        engine.lastCallAt === 0 ? Number.POSITIVE_INFINITY : Date.now() - engine.lastCallAt,
      dropOldPosts: async () => {
        const result = await deletingWrite((tx, now, dropped) => dropOldPosts(tx, now, dropped));
        // The room they took goes back to the disk (in a database made since it could).
        if (result.dropped > 0) await engine.write((tx) => tx.exec('PRAGMA incremental_vacuum'));
        return result;
      },
    },
    storage: {
      retention: async (months) => {
        const bytes = (await vfsFileSize(engine.host.vfs, DATABASE_FILE)) ?? 0;
        return engine.read((tx, now) => retentionView(tx, now, months, bytes));
      },
      setRetention: async (months) => {
        await engine.write((tx) => setKeepMonths(tx, months));
        const bytes = (await vfsFileSize(engine.host.vfs, DATABASE_FILE)) ?? 0;
        return engine.read((tx, now) => retentionView(tx, now, undefined, bytes));
      },
    },
    events: {
      subscribe: async (listener) => {
        const id = ++listeners;
        const stop = engine.onChange((written) => {
          const domains = domainsOf(written);
          if (domains.length === 0) return;
          try {
            void Promise.resolve(listener({ domains })).catch(() => undefined);
          } catch {
            // A listener that can no longer be called (its page went): it stops hearing.
            stop();
            subscriptions.delete(id);
          }
        });
        subscriptions.set(id, stop);
        return id;
      },
      unsubscribe: async (id) => {
        subscriptions.get(id)?.();
        subscriptions.delete(id);
      },
    },
    privacy: {
      get: () => engine.read((tx) => getPrivacy(tx)),
      set: (settings) => engine.write((tx, now) => setPrivacy(tx, settings, now)),
      applyRetention: (now) => engine.write((tx, clock) => applyRetention(tx, now ?? clock)),
      exportEverything: () => exportEverything(engine),
      deleteEverything: async () => {
        await mastodon?.().forgetEverything();
        await engine.deleteEverything();
        memory.forget();
      },
    },
  };
  return instrument(api, engine);
}

export { LATEST_SCHEMA_VERSION };
