/**
 * Stores one page of Mastodon statuses for one account and timeline, in the caller's transaction.
 *
 * Boosts are unwrapped (the inner post is stored, the boost becomes the timeline entry), edits
 * replace the text when `edited_at` moves forward, counts are refreshed, tombstoned posts stay
 * tombstoned. A status that fails is rejected alone, with an `ingest_errors` record, and the rest of
 * the page is stored. Ingesting the same page twice changes nothing.
 *
 * Where the time goes, and how the page is written to keep it down:
 * - A status that fails its schema check is rejected before anything is written for it. The rest
 *   are stored under one savepoint for the page; only if one of them fails past the check (a
 *   constraint, say) is the page rolled back and stored again with a savepoint per status, so
 *   that one is rejected alone. A savepoint per status costs a copy of every database page it
 *   touches into the statement journal, for every status.
 * - The full-text index is written once at the end of the page, in rowid order. FTS5 writes its
 *   pending rows to disk as a new segment at every savepoint and statement journal, so indexing
 *   each status as it is stored made a tiny segment per status and kept the index merging.
 * - Each author is written once per page; a stored status that is not edited is compared on its
 *   edit time and counts, without rebuilding its text, columns and raw JSON.
 */
import { packText } from '../store/packed-text';
import type { Tx } from '../db/database';
import type {
  MastodonAccount,
  MastodonFilterResult,
  MastodonInnerStatus,
  MastodonStatus,
} from '../../src-shared/mastodon/entities';
import { htmlToText } from './html-text';
import { localFilters, matchFilters, type LocalFilter } from './local-filters';
import type { IngestPage, IngestResult } from '../../src-shared/worker-api';
import {
  absoluteAcct,
  authorRow,
  boundedJson,
  describeCuts,
  parseStatus,
  remoteIdOf,
  searchableBody,
  statusRow,
  statusVersion,
  uniqueTags,
  type StatusRow,
} from './normalize';
import { recordStretch, type PageEntry } from './stretches';
import { saveSyncCursor } from '../store/sync-cursors';
import { addFieldDiagnostics, countParseNotes } from '../store/servers';
import { REFRESH } from '../../src-shared/worker-api';
import { collectStatusImageHosts, recordImageHosts } from '../store/image-hosts';
import { EngineError } from '../errors';

interface ExistingStatus {
  id: number;
  edited_at: number | null;
  deleted_at: number | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  quotes_count: number;
  poll: string | null;
  counts_at: number;
}

type Outcome = 'inserted' | 'updated' | 'unchanged';

/** A status's full-text row, written when the page's statuses are stored. */
interface IndexEntry {
  id: number;
  /** The status was indexed before this page: its old row goes first. */
  replace: boolean;
  body: string;
  names: string;
  tags: string;
}

type JsonObject = Record<string, unknown>;

class PageIngest {
  readonly authorIds = new Map<string, number>();
  readonly result: IngestResult = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  readonly entries: PageEntry[] = [];
  readonly indexEntries: IndexEntry[] = [];
  /** The hosts the stored statuses' pictures come from. */
  readonly imageHosts = new Set<string>();
  /** Per "Entity.field": optional fields dropped and texts cut in this page's stored statuses. */
  readonly diagnostics = new Map<string, { dropped: number; cut: number }>();

  constructor(
    readonly tx: Tx,
    readonly accountId: number,
    readonly instance: string,
    readonly timeline: string,
    readonly fetchedAt: number,
    /** One savepoint per status, so one that fails is rolled back alone. */
    readonly guarded: boolean,
  ) {}

  /** Stores the page's statuses. Unguarded, the first failure past the schema check is thrown. */
  async storeAll(statuses: readonly unknown[]): Promise<void> {
    for (let index = 0; index < statuses.length; index++) {
      const raw = statuses[index];
      const parsed = parseStatus(raw);
      if (!parsed.ok) {
        // Nothing has been written for it: no savepoint to roll back.
        await this.reject(index, raw, new EngineError('invalid_input', parsed.error));
        continue;
      }
      if (!this.guarded) {
        this.result[await this.storeEntry(raw, parsed.status)]++;
        await this.noteParse(raw, parsed);
        collectStatusImageHosts(raw, this.imageHosts);
        continue;
      }
      const indexed = this.indexEntries.length;
      await this.tx.run('SAVEPOINT status');
      try {
        this.result[await this.storeEntry(raw, parsed.status)]++;
        await this.noteParse(raw, parsed);
        await this.tx.run('RELEASE status');
        collectStatusImageHosts(raw, this.imageHosts);
      } catch (error) {
        await this.tx.run('ROLLBACK TO status');
        await this.tx.run('RELEASE status');
        // Authors cached under the rolled-back savepoint may no longer exist.
        this.authorIds.clear();
        this.indexEntries.length = indexed;
        await this.reject(index, raw, error);
      }
    }
  }

  /** Counts what the status's parse left out, and records a status stored with cut texts. */
  async noteParse(
    raw: unknown,
    parsed: Extract<ReturnType<typeof parseStatus>, { ok: true }>,
  ): Promise<void> {
    countParseNotes(this.diagnostics, parsed);
    if (parsed.cuts.length === 0) return;
    await this.tx.run(
      `INSERT INTO ingest_errors (account_id, timeline, remote_id, error, raw_json, at)
       VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING`,
      [
        this.accountId,
        this.timeline,
        remoteIdOf(raw),
        `Stored with texts cut to their limits: ${describeCuts(parsed.cuts)}.`,
        this.fetchedAt,
      ],
    );
  }

  /** Adds this page's counts to the server's per-field diagnostics. */
  writeDiagnostics(): Promise<void> {
    return addFieldDiagnostics(this.tx, this.instance, this.diagnostics, this.fetchedAt);
  }

  async storeEntry(raw: unknown, wrapper: MastodonStatus): Promise<Outcome> {
    const inner: MastodonInnerStatus = wrapper.reblog ?? wrapper;
    const boostedBy = wrapper.reblog
      ? await this.authorId(wrapper.account, (raw as JsonObject).account)
      : null;
    const raws = wrapper.reblog ? (raw as { reblog: unknown }).reblog : raw;
    const { id: statusId, outcome } = await this.storeStatus(inner, raws);

    if (this.timeline === REFRESH_TIMELINE) return outcome;
    const entryAt = Date.parse(wrapper.created_at);
    const entry = await this.tx.run(
      `INSERT INTO timeline_entries
         (account_id, timeline, remote_id, status_id, boosted_by_author_id, entry_at, fetched_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, timeline, remote_id) DO NOTHING`,
      [this.accountId, this.timeline, wrapper.id, statusId, boostedBy, entryAt, this.fetchedAt],
    );
    this.entries.push({ remoteId: wrapper.id, at: entryAt });
    return outcome === 'unchanged' && entry.changes > 0 ? 'updated' : outcome;
  }

  async storeStatus(status: MastodonInnerStatus, raw: unknown): Promise<{ id: number; outcome: Outcome }> {
    const authorId = await this.authorId(status.account, (raw as JsonObject).account);
    let quoteOutcome: Outcome = 'unchanged';
    let quoteUri: string | null = null;
    const quoted = status.quote?.quoted_status;
    if (quoted) {
      // A quote of a quote is not followed further: one level is embedded, as on Mastodon.
      const stored = await this.storeStatus({ ...quoted, quote: null }, quotedRaw(raw));
      quoteUri = quoted.uri;
      quoteOutcome = stored.outcome === 'unchanged' ? 'unchanged' : 'updated';
    } else if (status.quote?.quoted_status_id) {
      quoteUri = await this.uriOfRemoteId(status.quote.quoted_status_id);
    }

    const existing = await this.tx.get<ExistingStatus>(
      `SELECT id, edited_at, deleted_at, replies_count, reblogs_count, favourites_count,
              quotes_count, poll, counts_at
         FROM statuses WHERE uri = ?`,
      [status.uri],
    );
    let id: number;
    let outcome: Outcome;
    if (!existing) {
      const row = statusRow(status, raw);
      id = await this.insertStatus(row, authorId, quoteUri);
      this.index(id, status, row, false);
      outcome = 'inserted';
    } else {
      id = existing.id;
      outcome =
        existing.deleted_at === null
          ? await this.refreshStatus(existing, status, raw, quoteUri)
          : 'unchanged';
    }
    const refChanged = await this.storeRef(status, id, await this.filterResults(status, raw));
    if (outcome === 'unchanged' && (refChanged || quoteOutcome !== 'unchanged')) outcome = 'updated';
    return { id, outcome };
  }

  async insertStatus(row: StatusRow, authorId: number, quoteUri: string | null): Promise<number> {
    const result = await this.tx.run(
      `INSERT INTO statuses (uri, url, author_id, created_at, edited_at, language, visibility,
         sensitive, spoiler_text, content_html, content_text, content_packed, tags, mentions, media,
         card, poll, in_reply_to_remote_id, in_reply_to_account_remote_id, reply_instance, quote_uri,
         quote_state, replies_count, reblogs_count, favourites_count, quotes_count, counts_at,
         raw_json, raw_packed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)`,
      [
        row.uri,
        row.url,
        authorId,
        row.created_at,
        row.edited_at,
        row.language,
        row.visibility,
        row.sensitive,
        row.spoiler_text,
        packText(row.content_html),
        row.tags,
        row.mentions,
        row.media,
        row.card,
        row.poll,
        row.in_reply_to_remote_id,
        row.in_reply_to_account_remote_id,
        row.in_reply_to_remote_id ? this.instance : null,
        quoteUri,
        row.quote_state,
        row.replies_count,
        row.reblogs_count,
        row.favourites_count,
        row.quotes_count ?? 0,
        this.fetchedAt,
        packText(row.raw_json),
      ],
    );
    return result.lastInsertRowid;
  }

  /** Applies an edit (newer `edited_at`) and fresher counts; returns whether anything changed. */
  async refreshStatus(
    existing: ExistingStatus,
    status: MastodonInnerStatus,
    raw: unknown,
    quoteUri: string | null,
  ): Promise<Outcome> {
    let outcome: Outcome = 'unchanged';
    // The full row (text, media, raw JSON…) is only built for an edit.
    const version = statusVersion(status);
    const edited =
      version.edited_at !== null && (existing.edited_at === null || version.edited_at > existing.edited_at);
    if (edited) {
      const row = statusRow(status, raw);
      await this.tx.run(
        `UPDATE statuses SET url = ?, edited_at = ?, language = ?, sensitive = ?, spoiler_text = ?,
           content_html = '', content_text = '', content_packed = ?, tags = ?, mentions = ?,
           media = ?, card = ?, poll = ?, quote_uri = ?, quote_state = ?, raw_json = '', raw_packed = ?
         WHERE id = ?`,
        [
          row.url,
          row.edited_at,
          row.language,
          row.sensitive,
          row.spoiler_text,
          packText(row.content_html),
          row.tags,
          row.mentions,
          row.media,
          row.card,
          row.poll,
          quoteUri,
          row.quote_state,
          packText(row.raw_json),
          existing.id,
        ],
      );
      this.index(existing.id, status, row, true);
      // Embedded again from the new text in the background (and counted as one more document).
      await this.tx.run('DELETE FROM embeddings WHERE status_id = ?', [existing.id]);
      outcome = 'updated';
    }
    const quotes = version.quotes_count ?? existing.quotes_count;
    const countsChanged =
      existing.replies_count !== version.replies_count ||
      existing.reblogs_count !== version.reblogs_count ||
      existing.favourites_count !== version.favourites_count ||
      existing.quotes_count !== quotes ||
      (!edited && existing.poll !== version.poll);
    // An older page fetched late must not roll counts back.
    if (countsChanged && this.fetchedAt >= existing.counts_at) {
      await this.tx.run(
        `UPDATE statuses SET replies_count = ?, reblogs_count = ?, favourites_count = ?,
           quotes_count = ?, poll = ?, counts_at = ? WHERE id = ?`,
        [
          version.replies_count,
          version.reblogs_count,
          version.favourites_count,
          quotes,
          version.poll,
          this.fetchedAt,
          existing.id,
        ],
      );
      outcome = 'updated';
    }
    return outcome;
  }

  /** Queues the status's full-text row; `writeIndex` writes the page's rows. */
  index(id: number, status: MastodonInnerStatus, row: StatusRow, replace: boolean): void {
    this.indexEntries.push({
      id,
      replace,
      body: searchableBody(status, row.content_text),
      // The handle as shown (user@host), so searching for it finds authors on this server too.
      names: `${status.account.display_name} ${absoluteAcct(status.account.acct, this.instance)}`,
      tags: uniqueTags(status).join(' '),
    });
  }

  /**
   * Writes the queued full-text rows, in rowid order (FTS5 writes its pending rows out whenever a
   * rowid goes backwards). A status indexed twice in the page keeps its last text.
   */
  async writeIndex(): Promise<void> {
    const byId = new Map<number, IndexEntry>();
    for (const entry of this.indexEntries) {
      const earlier = byId.get(entry.id);
      // Only a row indexed before this page has an old row to delete.
      byId.set(entry.id, earlier ? { ...entry, replace: earlier.replace } : entry);
    }
    for (const entry of [...byId.values()].sort((a, b) => a.id - b.id)) {
      if (entry.replace) await this.tx.run('DELETE FROM statuses_fts WHERE rowid = ?', [entry.id]);
      await this.tx.run('INSERT INTO statuses_fts (rowid, body, names, tags) VALUES (?, ?, ?, ?)', [
        entry.id,
        entry.body,
        entry.names,
        entry.tags,
      ]);
    }
  }

  /**
   * The filters the post matches: as its server said, or, from a server that does not match
   * filters itself (no `filtered` at all, and no filters v2), as matched here.
   */
  async filterResults(status: MastodonInnerStatus, raw: unknown): Promise<MastodonFilterResult[]> {
    if (status.filtered.length > 0) return status.filtered;
    const sent = (raw as JsonObject).filtered;
    if (sent !== undefined && sent !== null) return [];
    if (this.localFilters === undefined)
      this.localFilters = await localFilters(this.tx, this.accountId, this.fetchedAt);
    if (!this.localFilters) return [];
    return matchFilters(this.localFilters, status, htmlToText(status.content));
  }

  /** The account's filters to match here; undefined until first needed, null when none are. */
  localFilters: LocalFilter[] | null | undefined = undefined;

  /** This account's id for the post and its own view of it; true when something changed. */
  async storeRef(
    status: MastodonInnerStatus,
    statusId: number,
    filterResults: readonly MastodonFilterResult[],
  ): Promise<boolean> {
    const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
    const filtered = filterResults.length > 0 ? JSON.stringify(filterResults) : null;
    const values = [
      flag(status.favourited),
      flag(status.reblogged),
      flag(status.bookmarked),
      flag(status.muted),
      filtered,
    ];
    const result = await this.tx.run(
      `INSERT INTO status_refs (account_id, remote_id, status_id, favourited, reblogged, bookmarked, muted, filtered)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, remote_id) DO UPDATE SET
         status_id = excluded.status_id, favourited = excluded.favourited,
         reblogged = excluded.reblogged, bookmarked = excluded.bookmarked,
         muted = excluded.muted, filtered = excluded.filtered
       WHERE status_id IS NOT excluded.status_id OR favourited IS NOT excluded.favourited
         OR reblogged IS NOT excluded.reblogged OR bookmarked IS NOT excluded.bookmarked
         OR muted IS NOT excluded.muted OR filtered IS NOT excluded.filtered`,
      [this.accountId, status.id, statusId, ...values],
    );
    return result.changes > 0;
  }

  /** The author's id, written (inserted, or updated when newer and different) once per page. */
  async authorId(account: MastodonAccount, raw: unknown): Promise<number> {
    const acct = absoluteAcct(account.acct, this.instance);
    const known = this.authorIds.get(acct);
    if (known !== undefined) return known;
    const row = authorRow(account, raw, this.instance);
    const values = [
      row.url,
      row.username,
      row.display_name,
      row.note_html,
      row.avatar_url,
      row.bot,
      row.locked,
      row.noindex,
      row.followers_count,
      row.following_count,
      row.statuses_count,
      row.last_status_at,
      row.raw_json,
    ];
    // RETURNING gives the id when a row is inserted or updated; an unchanged one is looked up.
    const written = await this.tx.all<{ id: number }>(
      `INSERT INTO authors (acct, url, username, display_name, note_html, avatar_url, bot, locked,
         noindex, followers_count, following_count, statuses_count, last_status_at, raw_json,
         updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (acct) DO UPDATE SET
         url = excluded.url, username = excluded.username, display_name = excluded.display_name,
         note_html = excluded.note_html, avatar_url = excluded.avatar_url, bot = excluded.bot,
         locked = excluded.locked, noindex = excluded.noindex,
         followers_count = excluded.followers_count, following_count = excluded.following_count,
         statuses_count = excluded.statuses_count, last_status_at = excluded.last_status_at,
         raw_json = excluded.raw_json, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= updated_at AND (
         url IS NOT excluded.url OR username IS NOT excluded.username
         OR display_name IS NOT excluded.display_name OR note_html IS NOT excluded.note_html
         OR avatar_url IS NOT excluded.avatar_url OR bot IS NOT excluded.bot
         OR locked IS NOT excluded.locked OR noindex IS NOT excluded.noindex
         OR followers_count IS NOT excluded.followers_count
         OR following_count IS NOT excluded.following_count
         OR statuses_count IS NOT excluded.statuses_count
         OR last_status_at IS NOT excluded.last_status_at
         OR raw_json IS NOT excluded.raw_json)
       RETURNING id`,
      [acct, ...values, this.fetchedAt],
    );
    const id =
      written[0]?.id ??
      (await this.tx.get<{ id: number }>('SELECT id FROM authors WHERE acct = ?', [acct]))!.id;
    this.authorIds.set(acct, id);
    return id;
  }

  async uriOfRemoteId(remoteId: string): Promise<string | null> {
    const row = await this.tx.get<{ uri: string }>(
      `SELECT s.uri FROM status_refs r JOIN statuses s ON s.id = r.status_id
        WHERE r.account_id = ? AND r.remote_id = ?`,
      [this.accountId, remoteId],
    );
    return row?.uri ?? null;
  }

  async reject(index: number, raw: unknown, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const remoteId = remoteIdOf(raw);
    this.result.rejected.push({ index, remoteId, error: message });
    let rawJson: string | null;
    try {
      rawJson = raw === undefined ? null : boundedJson(raw);
    } catch {
      rawJson = null;
    }
    await this.tx.run(
      `INSERT INTO ingest_errors (account_id, timeline, remote_id, error, raw_json, at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [this.accountId, this.timeline, remoteId, message, rawJson, this.fetchedAt],
    );
  }
}

/** The quoted status's JSON: in `quote.quoted_status` (Mastodon) or `quote` itself (Akkoma). */
function quotedRaw(raw: unknown): unknown {
  const quote = (raw as JsonObject).quote as JsonObject;
  return 'quoted_status' in quote ? quote.quoted_status : quote;
}

/**
 * Statuses stored under this name update what is known of them (edits, counts, flags) without
 * adding them to any timeline: streamed edits, refreshed counts, posts of a thread.
 */
export const REFRESH_TIMELINE = REFRESH;

export async function ingestStatuses(tx: Tx, page: IngestPage, now: number): Promise<IngestResult> {
  const account = await tx.get<{ instance: string }>('SELECT instance FROM accounts WHERE id = ?', [
    page.accountId,
  ]);
  if (!account) throw new EngineError('not_found', `No account with id ${page.accountId}.`);
  if (!Array.isArray(page.statuses)) throw new EngineError('invalid_input', 'statuses must be an array');
  if (typeof page.timeline !== 'string' || page.timeline.length === 0) {
    throw new EngineError('invalid_input', 'timeline must be a non-empty string');
  }
  if (page.fetchedAt !== undefined && !Number.isFinite(page.fetchedAt)) {
    throw new EngineError('invalid_input', 'fetchedAt must be a time in milliseconds');
  }
  const fetchedAt = Math.floor(page.fetchedAt ?? now);
  const start = (guarded: boolean) =>
    new PageIngest(tx, page.accountId, account.instance, page.timeline, fetchedAt, guarded);
  await tx.run('SAVEPOINT ingest_page');
  try {
    let ingest = start(false);
    try {
      await ingest.storeAll(page.statuses);
    } catch (error) {
      // A status failed past its schema check: store the page again with a savepoint per status,
      // which rejects that one alone (and throws again if the failure was not the status's).
      await tx.run('ROLLBACK TO ingest_page').catch(() => {
        throw error;
      });
      ingest = start(true);
      await ingest.storeAll(page.statuses);
    }
    await ingest.writeIndex();
    await ingest.writeDiagnostics();
    await recordImageHosts(tx, ingest.imageHosts, ingest.fetchedAt);
    if (page.timeline !== REFRESH_TIMELINE)
      await recordStretch(tx, {
        accountId: page.accountId,
        timeline: page.timeline,
        entries: ingest.entries,
        cursor: page.cursor ?? {},
        limit: page.limit ?? null,
        now: ingest.fetchedAt,
      });
    if (page.sync) await saveSyncCursor(tx, page.accountId, page.sync, now);
    await tx.run('RELEASE ingest_page');
    return ingest.result;
  } catch (error) {
    // Leave the caller's transaction as it was before the page, if SQLite still can.
    await tx
      .run('ROLLBACK TO ingest_page')
      .then(() => tx.run('RELEASE ingest_page'))
      .catch(() => undefined);
    throw error;
  }
}
