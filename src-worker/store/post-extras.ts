/**
 * The parts of a post a reader shows besides its text: custom emoji, media sizes, the link card
 * and the poll, read from what ingest stored. Raw JSON is kept as the server sent it, so what comes
 * from it is checked again here: only https images, only shortcodes that are words.
 */
import type { CardView, EmojiView, MediaView, PollView } from '../../src-shared/worker-api';

type Json = Record<string, unknown>;

const SHORTCODE = /^[A-Za-z0-9_]{1,100}$/;

function httpsUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048) return null;
  try {
    return new URL(value).protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJson(json: string | null): unknown {
  if (!json) return null;
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** Custom emoji whose shortcode is a word and whose image is on https; others are left as text. */
export function emojisOf(list: unknown): EmojiView[] {
  if (!Array.isArray(list)) return [];
  const out: EmojiView[] = [];
  for (const emoji of list.slice(0, 200)) {
    if (!isObject(emoji) || typeof emoji.shortcode !== 'string' || !SHORTCODE.test(emoji.shortcode)) continue;
    const url = httpsUrl(emoji.url);
    if (!url) continue;
    out.push({ shortcode: emoji.shortcode, url, staticUrl: httpsUrl(emoji.static_url) ?? url });
  }
  return out;
}

function size(meta: unknown): { width: number | null; height: number | null } {
  const small = isObject(meta) ? (isObject(meta.small) ? meta.small : meta.original) : null;
  const dimension = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
  return isObject(small)
    ? { width: dimension(small.width), height: dimension(small.height) }
    : { width: null, height: null };
}

/** The stored media, with their sizes from the raw attachments (same order). */
export function mediaOf(json: string, raw: Json | null): MediaView[] {
  const media = (parseJson(json) as MediaView[] | null) ?? [];
  const attachments = Array.isArray(raw?.media_attachments) ? raw.media_attachments : [];
  return media.map((m, i) => {
    const attachment = attachments[i];
    return {
      type: m.type,
      url: httpsUrl(m.url),
      previewUrl: httpsUrl(m.previewUrl),
      description: m.description,
      blurhash: typeof m.blurhash === 'string' ? m.blurhash : null,
      ...size(isObject(attachment) ? attachment.meta : null),
    };
  });
}

export function cardOf(json: string | null): CardView | null {
  const card = parseJson(json);
  if (!isObject(card)) return null;
  const url = httpsUrl(card.url);
  if (!url) return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    url,
    title: str(card.title),
    description: str(card.description),
    image: httpsUrl(card.image),
    providerName: str(card.provider_name),
    blurhash: typeof card.blurhash === 'string' ? card.blurhash : null,
  };
}

export function pollOf(json: string | null): PollView | null {
  const poll = parseJson(json);
  if (!isObject(poll) || !Array.isArray(poll.options)) return null;
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
  const expiresAt = typeof poll.expires_at === 'string' ? Date.parse(poll.expires_at) : NaN;
  return {
    options: poll.options.filter(isObject).map((o) => ({
      title: typeof o.title === 'string' ? o.title : '',
      votes: count(o.votes_count),
    })),
    multiple: poll.multiple === true,
    expired: poll.expired === true,
    expiresAt: Number.isFinite(expiresAt) ? expiresAt : null,
    votes: count(poll.votes_count) ?? 0,
    voters: count(poll.voters_count),
    ownVotes: Array.isArray(poll.own_votes)
      ? poll.own_votes.filter((v): v is number => Number.isInteger(v))
      : [],
    voted: poll.voted === true,
    emojis: emojisOf(poll.emojis),
  };
}
