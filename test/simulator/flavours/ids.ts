/**
 * How a server writes its ids. The simulated world numbers everything with Mastodon's snowflakes
 * (decimal strings); a flavour serves them in its server's own form and reads them back from
 * requests, so the client meets the ids it would meet there, never numbers it could compare.
 */

export interface IdCodec {
  /** The id as this server writes it. */
  encode(id: string): string;
  /** The world's id for an id this server wrote; anything else unchanged. */
  decode(id: string): string;
}

/** Mastodon: decimal snowflakes, as the world has them. */
export const decimalIds: IdCodec = { encode: (id) => id, decode: (id) => id };

function radixCodec(alphabet: string, width: number, pattern: RegExp): IdCodec {
  const base = BigInt(alphabet.length);
  return {
    encode(id) {
      if (!/^\d+$/.test(id)) return id;
      let n = BigInt(id);
      let out = '';
      do {
        out = alphabet[Number(n % base)] + out;
        n /= base;
      } while (n > 0n);
      return out.padStart(width, alphabet[0]);
    },
    decode(id) {
      if (!pattern.test(id)) return id;
      let n = 0n;
      for (const char of id) n = n * base + BigInt(alphabet.indexOf(char));
      return n.toString();
    },
  };
}

/**
 * GoToSocial: ULIDs, 26 characters of Crockford's base32 that sort as text in time order
 * (internal/id/ulid.go).
 */
export const ulidIds = radixCodec('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 26, /^[0-9A-HJKMNP-TV-Z]{26}$/);

/**
 * Akkoma and Pleroma: FlakeIds, 18 characters of base 62 that sort as text in time order
 * (lib/pleroma/web/api_spec/schemas/flake_id.ex: "128-bit ids … lexically sortable strings").
 */
export const flakeIds = radixCodec(
  '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  18,
  /^[0-9A-Za-z]{18}$/,
);

/** Keys whose values are ids of statuses, accounts, notifications, lists and records. */
const ID_KEYS = new Set([
  'id',
  'in_reply_to_id',
  'in_reply_to_account_id',
  'quoted_status_id',
  'quote_id',
  'status_id',
  'most_recent_notification_id',
  'page_min_id',
  'page_max_id',
  'last_read_id',
]);

/** A copy of `body` with every id written by `codec`. */
export function encodeIds(body: unknown, codec: IdCodec): unknown {
  if (codec === decimalIds) return body;
  if (Array.isArray(body)) return body.map((item) => encodeIds(item, codec));
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (ID_KEYS.has(key) && typeof value === 'string') out[key] = codec.encode(value);
    else if (key === 'sample_account_ids' && Array.isArray(value))
      out[key] = value.map((v) => (typeof v === 'string' ? codec.encode(v) : v));
    else out[key] = encodeIds(value, codec);
  }
  return out;
}
