/**
 * Server-side filters matched here, for servers that do not match them: Mastodon marks each status
 * with the filters it matches (`filtered`, filters v2), but servers with only v1 filters (Akkoma,
 * Pleroma, older GoToSocial) leave that to the client, as Mastodon clients did before v2. Their
 * filters are stored as v2 filters (one keyword each), and a status that comes without `filtered`
 * gets the same `FilterResult`s Mastodon would have sent, so the timeline hides and warns alike.
 *
 * Matching follows Mastodon's: case-insensitive, on the content warning, the text, the poll's
 * options and the media's descriptions; a whole-word keyword matches only between non-word
 * characters.
 */
import type { Tx } from '../db/database';
import type { MastodonFilterResult, MastodonInnerStatus } from '../../src-shared/mastodon/entities';

interface StoredFilter {
  filter_id: string;
  title: string;
  contexts: string;
  action: string;
  keywords: string;
  expires_at: number | null;
}

export interface LocalFilter {
  result: MastodonFilterResult['filter'];
  keywords: { keyword: string; pattern: RegExp }[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The account's filters to match here, or null when its server matches them itself (it has filters
 * v2) or it has none.
 */
export async function localFilters(tx: Tx, accountId: number, now: number): Promise<LocalFilter[] | null> {
  const v2 = await tx.get<{ available: number }>(
    `SELECT available FROM account_features WHERE account_id = ? AND feature = 'filters_v2'`,
    [accountId],
  );
  if (!v2 || v2.available === 1) return null;
  const rows = await tx.all<StoredFilter>(
    'SELECT * FROM account_filters WHERE account_id = ? AND (expires_at IS NULL OR expires_at > ?)',
    [accountId, now],
  );
  if (rows.length === 0) return null;
  return rows.map((row) => ({
    result: {
      id: row.filter_id,
      title: row.title,
      context: JSON.parse(row.contexts) as string[],
      expires_at: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
      filter_action: row.action as MastodonFilterResult['filter']['filter_action'],
    },
    keywords: (JSON.parse(row.keywords) as { keyword: string; whole_word: boolean }[]).map((k) => ({
      keyword: k.keyword,
      pattern: new RegExp(
        k.whole_word
          ? `(?<![\\p{L}\\p{N}_])${escapeRegExp(k.keyword)}(?![\\p{L}\\p{N}_])`
          : escapeRegExp(k.keyword),
        'iu',
      ),
    })),
  }));
}

/**
 * The FilterResults of `filters` that match a status: on its content warning, text, poll options
 * and media descriptions, as Mastodon matches them (`Status#searchable_text`).
 */
export function matchFilters(
  filters: readonly LocalFilter[],
  status: Pick<MastodonInnerStatus, 'spoiler_text' | 'poll' | 'media_attachments'>,
  contentText: string,
): MastodonFilterResult[] {
  const text = [
    status.spoiler_text,
    contentText,
    ...(status.poll?.options.map((o) => o.title) ?? []),
    ...status.media_attachments.map((m) => m.description ?? ''),
  ].join('\n\n');
  const out: MastodonFilterResult[] = [];
  for (const filter of filters) {
    const matches = filter.keywords.filter((k) => k.pattern.test(text)).map((k) => k.keyword);
    if (matches.length > 0) out.push({ filter: filter.result, keyword_matches: matches, status_matches: [] });
  }
  return out;
}
