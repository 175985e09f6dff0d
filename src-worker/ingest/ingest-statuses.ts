/**
 * Stores one page of Mastodon statuses for one account and timeline, in the caller's transaction.
 *
 * Boosts are unwrapped (the inner post is stored, the boost becomes the timeline entry), edits
 * replace the text when `edited_at` moves forward, counts are refreshed, tombstoned posts stay
 * tombstoned. Each status is stored under its own savepoint, so one that fails is rejected alone
 * with an `ingest_errors` record and the rest of the page is stored. Ingesting the same page twice
 * changes nothing.
 */
import type { Tx } from '../db/database';
import type { MastodonInnerStatus } from '../../src-shared/mastodon/entities';
import type { IngestPage, IngestResult } from '../../src-shared/worker-api';
import {
  absoluteAcct,
  authorRow,
  parseStatus,
  remoteIdOf,
  searchableBody,
  statusRow,
  type AuthorRow,
  type StatusRow,
} from './normalize';
import { recordStretch, type PageEntry } from './stretches';
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

class PageIngest {
  readonly authorIds = new Map<string, number>();
  readonly result: IngestResult = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  readonly entries: PageEntry[] = [];

  constructor(
    readonly tx: Tx,
    readonly accountId: number,
    readonly instance: string,
    readonly timeline: string,
    readonly fetchedAt: number,
  ) {}

  async storeEntry(raw: unknown): Promise<Outcome> {
    const parsed = parseStatus(raw);
    if (!parsed.ok) throw new EngineError('invalid_input', parsed.error);
    const wrapper = parsed.status;
    const inner: MastodonInnerStatus = wrapper.reblog ?? wrapper;
    const boostedBy = wrapper.reblog ? await this.authorId(authorRow(wrapper.account, this.instance)) : null;
    const raws = wrapper.reblog ? (raw as { reblog: unknown }).reblog : raw;
    const { id: statusId, outcome } = await this.storeStatus(inner, raws);

    const entryAt = Date.parse(wrapper.created_at);
    const entry = await this.tx.run(
      `INSERT INTO timeline_entries
         (account_id, timeline, remote_id, status_id, boosted_by_author_id, entry_at, fetched_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, timeline, remote_id) DO NOTHING`,
      [this.accountId, this.timeline, wrapper.id, statusId, boostedBy, entryAt, this.fetchedAt],
    );
    // Until the ranker scores it, a post enters the feed at its own time.
    await this.tx.run(
      'INSERT INTO feed (status_id, score, ranked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [statusId, Date.parse(inner.created_at), this.fetchedAt],
    );
    this.entries.push({ remoteId: wrapper.id, at: entryAt });
    return outcome === 'unchanged' && entry.changes > 0 ? 'updated' : outcome;
  }

  async storeStatus(status: MastodonInnerStatus, raw: unknown): Promise<{ id: number; outcome: Outcome }> {
    const authorId = await this.authorId(authorRow(status.account, this.instance));
    const row = statusRow(status, raw);
    let quoteOutcome: Outcome = 'unchanged';
    let quoteUri: string | null = null;
    const quoted = status.quote?.quoted_status;
    if (quoted) {
      const stored = await this.storeStatus(
        quoted,
        (raw as { quote: { quoted_status: unknown } }).quote.quoted_status,
      );
      quoteUri = quoted.uri;
      quoteOutcome = stored.outcome === 'unchanged' ? 'unchanged' : 'updated';
    } else if (status.quote?.quoted_status_id) {
      quoteUri = await this.uriOfRemoteId(status.quote.quoted_status_id);
    }

    const existing = await this.tx.get<ExistingStatus>(
      `SELECT id, edited_at, deleted_at, replies_count, reblogs_count, favourites_count,
              quotes_count, poll, counts_at
         FROM statuses WHERE uri = ?`,
      [row.uri],
    );
    let id: number;
    let outcome: Outcome;
    if (!existing) {
      id = await this.insertStatus(row, authorId, quoteUri);
      await this.indexText(id, status, row, false);
      outcome = 'inserted';
    } else {
      id = existing.id;
      outcome =
        existing.deleted_at === null
          ? await this.refreshStatus(existing, status, row, quoteUri)
          : 'unchanged';
    }
    const refChanged = await this.storeRef(status, id);
    if (outcome === 'unchanged' && (refChanged || quoteOutcome !== 'unchanged')) outcome = 'updated';
    return { id, outcome };
  }

  async insertStatus(row: StatusRow, authorId: number, quoteUri: string | null): Promise<number> {
    const result = await this.tx.run(
      `INSERT INTO statuses (uri, url, author_id, created_at, edited_at, language, visibility,
         sensitive, spoiler_text, content_html, content_text, tags, mentions, media, card, poll,
         in_reply_to_remote_id, in_reply_to_account_remote_id, reply_instance, quote_uri,
         quote_state, replies_count, reblogs_count, favourites_count, quotes_count, counts_at,
         raw_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        row.content_html,
        row.content_text,
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
        row.raw_json,
      ],
    );
    return result.lastInsertRowid;
  }

  /** Applies an edit (newer `edited_at`) and fresher counts; returns whether anything changed. */
  async refreshStatus(
    existing: ExistingStatus,
    status: MastodonInnerStatus,
    row: StatusRow,
    quoteUri: string | null,
  ): Promise<Outcome> {
    let outcome: Outcome = 'unchanged';
    const edited =
      row.edited_at !== null && (existing.edited_at === null || row.edited_at > existing.edited_at);
    if (edited) {
      await this.tx.run(
        `UPDATE statuses SET url = ?, edited_at = ?, language = ?, sensitive = ?, spoiler_text = ?,
           content_html = ?, content_text = ?, tags = ?, mentions = ?, media = ?, card = ?,
           poll = ?, quote_uri = ?, quote_state = ?, raw_json = ?
         WHERE id = ?`,
        [
          row.url,
          row.edited_at,
          row.language,
          row.sensitive,
          row.spoiler_text,
          row.content_html,
          row.content_text,
          row.tags,
          row.mentions,
          row.media,
          row.card,
          row.poll,
          quoteUri,
          row.quote_state,
          row.raw_json,
          existing.id,
        ],
      );
      await this.indexText(existing.id, status, row, true);
      outcome = 'updated';
    }
    const quotes = row.quotes_count ?? existing.quotes_count;
    const countsChanged =
      existing.replies_count !== row.replies_count ||
      existing.reblogs_count !== row.reblogs_count ||
      existing.favourites_count !== row.favourites_count ||
      existing.quotes_count !== quotes ||
      (!edited && existing.poll !== row.poll);
    // An older page fetched late must not roll counts back.
    if (countsChanged && this.fetchedAt >= existing.counts_at) {
      await this.tx.run(
        `UPDATE statuses SET replies_count = ?, reblogs_count = ?, favourites_count = ?,
           quotes_count = ?, poll = ?, counts_at = ? WHERE id = ?`,
        [
          row.replies_count,
          row.reblogs_count,
          row.favourites_count,
          quotes,
          row.poll,
          this.fetchedAt,
          existing.id,
        ],
      );
      outcome = 'updated';
    }
    return outcome;
  }

  async indexText(id: number, status: MastodonInnerStatus, row: StatusRow, replace: boolean): Promise<void> {
    if (replace) await this.tx.run('DELETE FROM statuses_fts WHERE rowid = ?', [id]);
    // The handle as shown (user@host), so searching for it finds authors on this server too.
    const names = `${status.account.display_name} ${absoluteAcct(status.account.acct, this.instance)}`;
    await this.tx.run('INSERT INTO statuses_fts (rowid, body, names, tags) VALUES (?, ?, ?, ?)', [
      id,
      searchableBody(status, row.content_text),
      names,
      JSON.parse(row.tags).join(' '),
    ]);
  }

  /** This account's id for the post and its own view of it; true when something changed. */
  async storeRef(status: MastodonInnerStatus, statusId: number): Promise<boolean> {
    const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
    const filtered = status.filtered && status.filtered.length > 0 ? JSON.stringify(status.filtered) : null;
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

  async authorId(row: AuthorRow): Promise<number> {
    const known = this.authorIds.get(row.acct);
    if (known !== undefined) return known;
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
    ];
    await this.tx.run(
      `INSERT INTO authors (acct, url, username, display_name, note_html, avatar_url, bot, locked,
         noindex, followers_count, following_count, statuses_count, last_status_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (acct) DO UPDATE SET
         url = excluded.url, username = excluded.username, display_name = excluded.display_name,
         note_html = excluded.note_html, avatar_url = excluded.avatar_url, bot = excluded.bot,
         locked = excluded.locked, noindex = excluded.noindex,
         followers_count = excluded.followers_count, following_count = excluded.following_count,
         statuses_count = excluded.statuses_count, last_status_at = excluded.last_status_at,
         updated_at = excluded.updated_at
       WHERE excluded.updated_at >= updated_at AND (
         url IS NOT excluded.url OR username IS NOT excluded.username
         OR display_name IS NOT excluded.display_name OR note_html IS NOT excluded.note_html
         OR avatar_url IS NOT excluded.avatar_url OR bot IS NOT excluded.bot
         OR locked IS NOT excluded.locked OR noindex IS NOT excluded.noindex
         OR followers_count IS NOT excluded.followers_count
         OR following_count IS NOT excluded.following_count
         OR statuses_count IS NOT excluded.statuses_count
         OR last_status_at IS NOT excluded.last_status_at)`,
      [row.acct, ...values, this.fetchedAt],
    );
    const found = await this.tx.get<{ id: number }>('SELECT id FROM authors WHERE acct = ?', [row.acct]);
    this.authorIds.set(row.acct, found!.id);
    return found!.id;
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
      rawJson = JSON.stringify(raw) ?? null;
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

export async function ingestStatuses(tx: Tx, page: IngestPage, now: number): Promise<IngestResult> {
  const account = await tx.get<{ instance: string }>('SELECT instance FROM accounts WHERE id = ?', [
    page.accountId,
  ]);
  if (!account) throw new EngineError('not_found', `No account with id ${page.accountId}.`);
  if (!Array.isArray(page.statuses)) throw new EngineError('invalid_input', 'statuses must be an array');
  if (typeof page.timeline !== 'string' || page.timeline.length === 0) {
    throw new EngineError('invalid_input', 'timeline must be a non-empty string');
  }
  const ingest = new PageIngest(tx, page.accountId, account.instance, page.timeline, page.fetchedAt ?? now);
  for (let index = 0; index < page.statuses.length; index++) {
    const raw = page.statuses[index];
    await tx.run('SAVEPOINT status');
    try {
      ingest.result[await ingest.storeEntry(raw)]++;
      await tx.run('RELEASE status');
    } catch (error) {
      await tx.run('ROLLBACK TO status');
      await tx.run('RELEASE status');
      // Authors cached under the rolled-back savepoint may no longer exist.
      ingest.authorIds.clear();
      await ingest.reject(index, raw, error);
    }
  }
  await recordStretch(tx, {
    accountId: page.accountId,
    timeline: page.timeline,
    entries: ingest.entries,
    cursor: page.cursor ?? {},
    limit: page.limit ?? null,
    now: ingest.fetchedAt,
  });
  return ingest.result;
}
