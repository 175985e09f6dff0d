/**
 * The long texts of a post (its HTML and the raw JSON kept beside the columns), as stored: deflated
 * against a preset dictionary of what every post's JSON and HTML repeat, or as they are when that
 * is not shorter. A post's texts are a kilobyte or two each, too short for deflate alone to find
 * much to share (it halves them); with the dictionary its JSON takes a fifth of its length and its
 * HTML under half.
 *
 * fflate rather than the platform's CompressionStream: it is synchronous (a post is packed inside
 * the ingest transaction, and unpacked while a page is read, without a stream per text) and it
 * takes a preset dictionary, which CompressionStream does not.
 *
 * The first byte says how the rest is stored. A shipped form never changes: a better dictionary
 * is a new form, and texts stored in the old one are still read.
 */
import { deflateSync, inflateSync } from 'fflate';

const AS_IS = 0;
const DEFLATED_1 = 1;

/**
 * What a status's raw JSON and HTML repeat, in the shapes their serialisers write: Mastodon's
 * Status, MediaAttachment, Mention, Tag and CustomEmoji (key order as in the examples of the
 * Mastodon documentation, docs.joinmastodon.org/entities), GoToSocial's interaction_policy and
 * Akkoma's pleroma object (as in test/fixtures/gotosocial and test/fixtures/akkoma), and the HTML
 * Mastodon writes for mentions, hashtags and links. Deflate finds matches nearer the end more
 * cheaply, so what nearly every post has comes last.
 */
const DICTIONARY_1 = new TextEncoder().encode(
  [
    '"pleroma":{"content":{"text/plain":""},"context":"https://","conversation_id":,"direct_conversation_id":null,"emoji_reactions":[],"expires_at":null,"in_reply_to_account_acct":null,"local":false,"spoiler_text":{"text/plain":""},"thread_muted":false,"parent_visible":true,"pinned_at":null,"quotes_count":0,"bookmark_folder":null}',
    '"interaction_policy":{"can_favourite":{"automatic_approval":["public","me"],"manual_approval":[],"always":["public","me"],"with_approval":[]},"can_reply":{"automatic_approval":["public","me"],"manual_approval":[],"always":["public","me"],"with_approval":[]},"can_reblog":{"automatic_approval":["public","me"],"manual_approval":[],"always":["public","me"],"with_approval":[]}}',
    '"emojis":[{"shortcode":"","url":"https://","static_url":"https://","visible_in_picker":true}]',
    '"media_attachments":[{"id":"","type":"image","url":"https://","preview_url":"https://","remote_url":"https://","preview_remote_url":null,"text_url":null,"meta":{"original":{"width":,"height":,"size":"x","aspect":},"small":{"width":,"height":,"size":"x","aspect":},"focus":{"x":0.0,"y":0.0}},"description":null,"blurhash":""}]',
    '"application":{"name":"","website":null},"mentions":[{"id":"","username":"","url":"https://","acct":""}],"tags":[{"name":"","url":"https:///tags/"}]',
    '<p><span class="h-card" translate="no"><a href="https://" class="u-url mention">@<span></span></a></span> ',
    '<a href="https:///tags/" class="mention hashtag" rel="tag">#<span></span></a> ',
    '<a href="https://" target="_blank" rel="nofollow noopener noreferrer" translate="no"><span class="invisible">https://www.</span><span class="ellipsis"></span><span class="invisible"></span></a></p><p></p><br />',
    '{"id":"","created_at":"2026-01-01T00:00:00.000Z","in_reply_to_id":null,"in_reply_to_account_id":null,"sensitive":false,"spoiler_text":"","visibility":"public","language":"en","uri":"https:///users//statuses/","url":"https:///@/","replies_count":0,"reblogs_count":0,"favourites_count":0,"quotes_count":0,"edited_at":null,"favourited":false,"reblogged":false,"muted":false,"bookmarked":false,"pinned":false,"filtered":[],"reblog":null,"application":null,"account":{"id":""},"media_attachments":[],"mentions":[],"tags":[],"emojis":[],"quote":null,"quote_approval":{"automatic":["public"],"manual":[],"current_user":"automatic"}}',
  ].join(''),
);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A text as stored: deflated against the dictionary, or as it is when that is no shorter. A NUL
 * becomes U+FFFD, as in every text the database holds.
 */
export function packText(text: string): Uint8Array {
  const bytes = encoder.encode(text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text);
  const deflated = bytes.length > 0 ? deflateSync(bytes, { dictionary: DICTIONARY_1 }) : null;
  const deflate = deflated !== null && deflated.length < bytes.length;
  const packed = new Uint8Array(1 + (deflate ? deflated.length : bytes.length));
  packed[0] = deflate ? DEFLATED_1 : AS_IS;
  packed.set(deflate ? deflated : bytes, 1);
  return packed;
}

/** The text `packText` stored; throws on bytes that are not a packed text. */
export function unpackText(packed: Uint8Array): string {
  switch (packed[0]) {
    case AS_IS:
      return decoder.decode(packed.subarray(1));
    case DEFLATED_1:
      return decoder.decode(inflated(packed.subarray(1)));
    default:
      throw new Error(`A packed text of an unknown form (${packed[0] ?? 'empty'})`);
  }
}

/**
 * Inflated into one buffer kept for every text: without one, fflate makes room for 128 KB more
 * output at each deflate block (its largest), a fresh buffer per text, which a page of posts' few
 * kilobytes each paid for many times over, and the garbage collector after it. A text that fills
 * the buffer (it may have been cut short there: writes past a typed array's end are dropped) is
 * inflated again the library's way.
 */
const scratch = new Uint8Array(64 * 1024);

function inflated(deflated: Uint8Array): Uint8Array {
  if (deflated.length > 0) {
    try {
      const out = inflateSync(deflated, { dictionary: DICTIONARY_1, out: scratch });
      if (out.length < scratch.length) return out;
    } catch {
      // A stored block longer than the buffer: inflated the library's way below.
    }
  }
  return inflateSync(deflated, { dictionary: DICTIONARY_1 });
}

/**
 * A stored text: packed, or, in a row stored before texts were packed, as it is in its old column
 * (`legacy`).
 */
export function storedText(packed: Uint8Array | null, legacy: string): string {
  return packed ? unpackText(packed) : legacy;
}
