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
import { TABLE_DOMAINS } from './changes';
import { KEPT_PAGE_FORMAT, type KeptPage } from './kept-page-format';
import { FIRST_PAGE_SIZE, type ChangeDomain } from '../src-shared/worker-api';

/**
 * The domains whose tables the first page is read from (the posts, their authors and refs, the
 * timelines' entries, the ranked feed, the accounts with their mutes, the picture hosts).
 */
const PAGE_DOMAINS: ReadonlySet<ChangeDomain> = new Set(['posts', 'timelines', 'feed', 'accounts', 'images']);

/** Whether a committed write could have changed the kept page. */
export function touchesKeptPage(written: Written): boolean {
  for (const table of written.keys()) {
    const domain = TABLE_DOMAINS[table.toLowerCase()];
    if (domain && PAGE_DOMAINS.has(domain)) return true;
  }
  return false;
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

/** Announced when the page served at start was older than the database: its posts are read again. */
const SERVED_WAS_OLDER: Written = new Map([
  ['statuses', new Set(['update'] as const)],
  ['feed', new Set(['update'] as const)],
]);

/**
 * Keeps the first page current in `store`: `delayMs` after a change that could alter it (changes
 * in between are gathered), it is read again and written if it differs. The first keep, `delayMs`
 * after the keeper starts, also checks the page served at this start (`served`, its kept text):
 * a kept page written just before the app was closed may miss the last changes, and if it does,
 * the posts shown are announced as changed, so that the screen reads them again.
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
      if (touchesKeptPage(written)) this.#schedule();
    });
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#work = this.#work
        .then(() => this.#keep())
        .catch((error: unknown) => {
          console.warn('corgi: the first page could not be kept:', error);
        });
    }, this.delayMs);
  }

  async #keep(): Promise<void> {
    if (this.#stopped) return;
    const text = await this.engine.read(keptPageText);
    if (this.#stopped) return;
    if (this.#served !== undefined) {
      if (text !== this.#served) this.engine.announce(SERVED_WAS_OLDER);
      this.#served = undefined;
    }
    if (text === this.#stored) return;
    if (text === null) await this.store.remove();
    else await this.store.write(text);
    this.#stored = text;
  }

  /** Whether a keep is waiting or under way. */
  get pending(): boolean {
    return this.#timer !== null;
  }

  /** Keeps at once what is waiting, and resolves once the store is written. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#work = this.#work.then(() => this.#keep());
    }
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
