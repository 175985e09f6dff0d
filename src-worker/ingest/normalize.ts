/**
 * Turns checked Mastodon JSON into the column values Corgi stores.
 */
import type {
  MastodonAccount,
  MastodonInnerStatus,
  MastodonStatus,
  TextCut,
} from '../../src-shared/mastodon/entities';
import { LIMITS, parseLeniently, statusSchema } from '../../src-shared/mastodon/entities';
import { cutText } from '../../src-shared/mastodon/lenient';
import { htmlToText } from './html-text';

export interface AuthorRow {
  acct: string;
  url: string | null;
  username: string;
  display_name: string;
  note_html: string;
  avatar_url: string | null;
  bot: number;
  locked: number;
  noindex: number;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at: string | null;
  /** The account JSON as received, whole. */
  raw_json: string;
}

export interface StatusRow {
  uri: string;
  url: string | null;
  created_at: number;
  edited_at: number | null;
  language: string | null;
  visibility: string;
  sensitive: number;
  spoiler_text: string;
  content_html: string;
  content_text: string;
  tags: string;
  mentions: string;
  media: string;
  card: string | null;
  poll: string | null;
  in_reply_to_remote_id: string | null;
  in_reply_to_account_remote_id: string | null;
  quote_state: string | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  /** Null when the server did not say (older servers, embedded quotes). */
  quotes_count: number | null;
  /** What `storedRawJson` keeps of the status JSON. */
  raw_json: string;
}

const NOINDEX_TAG = /(^|[^\p{L}\p{N}_])#no(bot|index)(?![\p{L}\p{N}_])/iu;

/** user@host for any account, local ones included. */
export function absoluteAcct(acct: string, instance: string): string {
  return (acct.includes('@') ? acct : `${acct}@${instance}`).toLowerCase();
}

/** `raw` is the account JSON as received, which `account` was checked from. */
export function authorRow(account: MastodonAccount, raw: unknown, instance: string): AuthorRow {
  const noteText = htmlToText(account.note);
  return {
    acct: absoluteAcct(account.acct, instance),
    url: account.url ?? null,
    username: account.username,
    display_name: account.display_name,
    note_html: account.note,
    avatar_url: account.avatar || null,
    bot: account.bot ? 1 : 0,
    locked: account.locked ? 1 : 0,
    noindex: account.noindex === true || NOINDEX_TAG.test(noteText) ? 1 : 0,
    followers_count: account.followers_count,
    following_count: account.following_count,
    statuses_count: account.statuses_count,
    last_status_at: account.last_status_at ?? null,
    raw_json: boundedJson(raw),
  };
}

export function statusRow(status: MastodonInnerStatus, raw: unknown): StatusRow {
  return {
    uri: status.uri,
    url: status.url ?? null,
    created_at: Date.parse(status.created_at),
    language: status.language ?? null,
    visibility: status.visibility,
    sensitive: status.sensitive ? 1 : 0,
    spoiler_text: status.spoiler_text,
    content_html: status.content,
    content_text: htmlToText(status.content),
    tags: JSON.stringify(uniqueTags(status)),
    mentions: JSON.stringify(status.mentions.map((m) => ({ acct: m.acct, url: m.url, id: m.id }))),
    media: JSON.stringify(
      status.media_attachments.map((m) => ({
        type: m.type,
        url: m.url ?? null,
        previewUrl: m.preview_url ?? null,
        description: m.description ?? null,
        blurhash: m.blurhash ?? null,
      })),
    ),
    card: status.card ? boundedJson(status.card) : null,
    in_reply_to_remote_id: status.in_reply_to_id ?? null,
    in_reply_to_account_remote_id: status.in_reply_to_account_id ?? null,
    quote_state: status.quote?.state ?? null,
    raw_json: storedRawJson(raw),
    ...statusVersion(status),
  };
}

/** The columns that decide whether a stored status needs refreshing: its edit time and counts. */
export type StatusVersion = Pick<
  StatusRow,
  'edited_at' | 'poll' | 'replies_count' | 'reblogs_count' | 'favourites_count' | 'quotes_count'
>;

/**
 * The cheap part of `statusRow`, enough to compare with a stored status. The card and poll are kept
 * as read (fields of the wrong type left out, fields Corgi does not read kept), not in the raw JSON.
 */
export function statusVersion(status: MastodonInnerStatus): StatusVersion {
  return {
    edited_at: status.edited_at ? Date.parse(status.edited_at) : null,
    poll: status.poll ? boundedJson(status.poll) : null,
    replies_count: status.replies_count,
    reblogs_count: status.reblogs_count,
    favourites_count: status.favourites_count,
    quotes_count: status.quotes_count ?? null,
  };
}

type JsonObject = Record<string, unknown>;

/**
 * The raw JSON kept in `statuses.raw_json`, for fields Corgi does not use yet: the status as
 * received, minus what is already stored whole elsewhere. In the engine benchmark those fields
 * were two thirds of a status's raw JSON (the account alone 1.4 KB, the content 0.9 KB, of
 * 3.5 KB) and a third of the database:
 *
 * - `content`: the same string is in `content_html`;
 * - `card` and `poll`: the same objects are in the `card` and `poll` columns (the poll there is
 *   fresher: it is refreshed with the counts);
 * - `account`: the whole account JSON is in `authors.raw_json` (the latest one seen), so only
 *   `{ id }` stays, the account's id on the server that sent this status, like the status's `id`;
 * - `quote.quoted_status`: the quoted post is stored as its own row (`quote_uri`), raw JSON and
 *   all, so only `{ id, uri }` stays.
 *
 * Everything else stays as received, keys in their order, including fields the columns hold only
 * in part (media, mentions, tags) or in another form (times, flags). Nothing is compressed. Rows
 * stored before schema 3 still hold the whole status.
 */
export function storedRawJson(raw: unknown): string {
  return boundedJson(trimRaw(raw as JsonObject));
}

/**
 * JSON of `value` with every string in it cut to `LIMITS.description`: raw JSON keeps what the
 * columns do not hold, not the megabytes a hostile server can put in any field. The columns hold the
 * long texts (content, bio) whole up to their own limits. Most statuses are a few kilobytes, so the
 * whole JSON being short enough spares the walk.
 */
export function boundedJson(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  if (json.length <= LIMITS.description) return json;
  return JSON.stringify(boundStrings(value));
}

function boundStrings(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > LIMITS.description ? cutText(value, LIMITS.description) : value;
  if (Array.isArray(value)) return value.map(boundStrings);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) out[key] = boundStrings(value[key]);
    return out;
  }
  return value;
}

const STORED_ELSEWHERE = new Set(['content', 'card', 'poll']);

function trimRaw(raw: JsonObject): JsonObject {
  const kept: JsonObject = {};
  for (const key of Object.keys(raw)) {
    if (STORED_ELSEWHERE.has(key)) continue;
    const value = raw[key];
    if (key === 'account') {
      kept.account = { id: (value as JsonObject).id };
    } else if (key === 'quote' && isObject(value) && isObject(value.quoted_status)) {
      const quoted = value.quoted_status;
      kept.quote = { ...value, quoted_status: { id: quoted.id, uri: quoted.uri } };
    } else if (key === 'quote' && isObject(value) && 'account' in value) {
      // Akkoma's form: the quoted status itself.
      kept.quote = { id: value.id, uri: value.uri };
    } else {
      kept[key] = value;
    }
  }
  return kept;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function uniqueTags(status: MastodonInnerStatus): string[] {
  return [...new Set(status.tags.map((t) => t.name.toLowerCase()))];
}

/** The text the full-text index holds for a post. */
export function searchableBody(status: MastodonInnerStatus, contentText: string): string {
  const parts = [status.spoiler_text, contentText];
  for (const media of status.media_attachments) if (media.description) parts.push(media.description);
  if (status.card?.title) parts.push(status.card.title);
  return parts.filter(Boolean).join('\n');
}

export type ParsedStatus =
  | {
      ok: true;
      status: MastodonStatus;
      /** Optional fields of the wrong type, left out ("Status.card": 1). */
      dropped: ReadonlyMap<string, number>;
      /** Texts and lists cut to their limit. */
      cuts: readonly TextCut[];
    }
  | { ok: false; error: string };

/**
 * Checks one status. It is refused only for a core field (id, URI, author, creation time), and
 * the error names the fields that are missing or unusable; other fields that cannot be read are
 * left out and reported in `dropped`.
 */
export function parseStatus(raw: unknown): ParsedStatus {
  const parsed = parseLeniently(statusSchema, raw);
  if (parsed.success) return { ok: true, status: parsed.data, dropped: parsed.dropped, cuts: parsed.cuts };
  const problems = parsed.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(status)';
    return `${path}: ${issue.message}`;
  });
  return { ok: false, error: `Malformed status: ${problems.join('; ')}` };
}

/** "content cut from 10,485,760 to 200,000 characters; account.display_name…" */
export function describeCuts(cuts: readonly TextCut[]): string {
  const number = (n: number) => n.toLocaleString('en');
  return cuts.map((c) => `${c.field} cut from ${number(c.length)} to ${number(c.kept)}`).join('; ');
}

export function remoteIdOf(raw: unknown): string | null {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'string') return id;
  }
  return null;
}
