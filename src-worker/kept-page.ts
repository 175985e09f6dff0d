/**
 * The home timeline's first page, kept beside the database for the next start: a person who
 * opens Corgi sees the posts it last ranked for them before SQLite has started (its wasm compiled,
 * its pool of files opened, the database read). The worker reads the kept page first and answers
 * the screen's first ask with it (worker.ts); the engine keeps it current after every write that
 * could change it, and, once open, checks that what was served is what it would serve now.
 *
 * The kept page is what `timeline.page({ order: 'ranked', limit: FIRST_PAGE_SIZE })` and
 * `images.hosts()` answer, as JSON (kept-page-format.ts). It holds nothing the database does not:
 * deleting everything deletes it, a database found damaged removes it, and it is rewritten (or
 * removed, when nothing is ranked) after each change that could alter it.
 */
import type { Tx, Written } from './db/database';
import type { KeptPageStore } from './host';
import { imageHosts } from './store/image-hosts';
import { timelinePage } from './store/posts';
import { KEPT_PAGE_FORMAT, type KeptPage } from './kept-page-format';
import { FIRST_PAGE_SIZE } from '../src-shared/worker-api';

/**
 * The tables the first page is read from (the posts, their authors and refs, the timelines'
 * entries, the ranked feed, the accounts with their mutes, the picture hosts).
 */
const PAGE_TABLES: ReadonlySet<string> = new Set([
  'statuses',
  'status_refs',
  'authors',
  'timeline_entries',
  'feed',
  'accounts',
  'account_relations',
  'image_hosts',
]);

/**
 * Of those, the ones whose changes are kept at once, and before the command that made them
 * answers: an account signed out (its posts must not be shown at the next start), an author
 * muted or blocked, a picture host allowed (the page may be loaded again at once to show its
 * pictures, and the picture policy is set from the kept hosts).
 */
const URGENT_TABLES: ReadonlySet<string> = new Set(['accounts', 'account_relations', 'image_hosts']);

/** Whether a committed write could have changed the kept page: not at all, in time, or at once. */
export function keptPageChange(written: Written): 'none' | 'later' | 'now' {
  let change: 'none' | 'later' | 'now' = 'none';
  for (const table of written.keys()) {
    const name = table.toLowerCase();
    if (URGENT_TABLES.has(name)) return 'now';
    if (PAGE_TABLES.has(name)) change = 'later';
  }
  return change;
}

/** The page to keep, as text; null when nothing is ranked yet (the engine's first page ranks). */
export async function keptPageText(tx: Tx, now: number): Promise<string | null> {
  const ranked = await tx.get<{ n: number }>(
    'SELECT EXISTS (SELECT 1 FROM feed WHERE position IS NOT NULL) AS n',
  );
  if (!ranked?.n) return null;
  const kept: KeptPage = {
    format: KEPT_PAGE_FORMAT,
    hosts: await imageHosts(tx),
    page: await timelinePage(tx, { order: 'ranked', limit: FIRST_PAGE_SIZE }, now),
  };
  return JSON.stringify(kept);
}

/** What the keeper needs of the engine. */
export interface KeeperEngine {
  read<T>(work: (tx: Tx, now: number) => Promise<T>): Promise<T>;
  onChange(listener: (written: Written) => void): () => void;
  /** Says that these tables changed, as a commit would. */
  announce(written: Written): void;
}

/** Announced when the page served at start was older than the database (changes.ts). */
const SERVED_WAS_OLDER: Written = new Map([['kept_page', new Set(['update'] as const)]]);

/**
 * Keeps the first page current in `store`: `delayMs` after a change that could alter it (changes
 * in between are gathered), or at once after an urgent one (`keptPageChange`), it is read again
 * and written if it differs. The first keep, as soon as the keeper starts, also checks the page
 * served at this start (`served`, its kept text): a kept page written just before the app was
 * closed may miss the last changes, and if it does, `firstPage` is announced, and the screen reads
 * the home timeline again.
 */
export class PageKeeper {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #work: Promise<void> = Promise.resolve();
  #stopped = false;
  /** The text in the store (undefined: not known). */
  #stored: string | null | undefined;
  #served: string | undefined;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly engine: KeeperEngine,
    private readonly store: KeptPageStore,
    private readonly delayMs: number,
    served?: string,
  ) {
    this.#served = served;
    this.#stored = served;
    this.#unsubscribe = engine.onChange((written) => {
      const change = keptPageChange(written);
      if (change === 'now') {
        this.urgent++;
        this.#removeFirst = true;
        this.#keepSoon();
      } else if (change === 'later') this.#schedule();
    });
    if (served === undefined) this.#schedule();
    else this.#keepSoon();
  }

  /** How many urgent changes were heard: a command that made one waits for it to be kept. */
  urgent = 0;
  /**
   * After an urgent change, the kept page is removed before it is read again: should the app end
   * (or the write fail) in between, the next start reads the database instead.
   */
  #removeFirst = false;
  /** Whether the page served at this start was found older than the database. */
  servedWasOlder = false;

  #schedule(): void {
    if (this.#stopped || this.#timer) return;
    this.#timer = setTimeout(() => this.#keepSoon(), this.delayMs);
  }

  #keepSoon(): void {
    this.flush().catch((error: unknown) => console.warn('corgi: the first page could not be kept:', error));
  }

  async #keep(): Promise<void> {
    if (this.#stopped) return;
    if (this.#removeFirst) {
      this.#removeFirst = false;
      await this.store.remove();
      this.#stored = null;
    }
    const text = await this.engine.read(keptPageText);
    if (this.#stopped) return;
    if (this.#served !== undefined) {
      if (text !== this.#served) {
        this.servedWasOlder = true;
        this.engine.announce(SERVED_WAS_OLDER);
      }
      this.#served = undefined;
    }
    if (text === this.#stored) return;
    try {
      if (text === null) await this.store.remove();
      else await this.store.write(text);
      this.#stored = text;
    } catch (error) {
      // What is there is not known: not served at the next start.
      this.#stored = undefined;
      await this.store.remove().catch(() => undefined);
      throw error;
    }
  }

  /** Whether a keep is waiting for its delay. */
  get pending(): boolean {
    return this.#timer !== null;
  }

  /** Keeps the page now (what was waiting with it), and resolves once the store is written. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    // A keep asked for while one waits to start is that one: it reads what is there when it starts.
    if (!this.#queued) {
      const keep = this.#work.then(() => {
        this.#queued = null;
        return this.#keep();
      });
      this.#queued = keep;
      this.#work = keep.catch(() => undefined);
    }
    return this.#queued;
  }

  #queued: Promise<void> | null = null;

  /** Resolves once every keep asked for so far is done (the ones waiting `delayMs` aside). */
  async settled(): Promise<void> {
    await this.#work;
  }

  /** Stops keeping; resolves once a keep under way is done, so that nothing is written after. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#work.catch(() => undefined);
  }
}
