/**
 * Schemas for the Mastodon entities Corgi reads, written from the Mastodon API documentation.
 *
 * They check what Corgi relies on and let everything else through untouched: servers add fields
 * between versions, and the raw JSON is kept beside the parsed columns for fields not yet used.
 * Fields that only newer servers send (quotes, quotes_count, edited_at…) are optional.
 */
import { z } from 'zod';

const id = z.string().min(1);
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 time');
const count = z.number().int().nonnegative();
const nullableString = z.string().nullable().optional();

export const customEmojiSchema = z.looseObject({
  shortcode: z.string(),
  url: z.string(),
  static_url: z.string().optional(),
  visible_in_picker: z.boolean().optional(),
});

export const accountFieldSchema = z.looseObject({
  name: z.string(),
  value: z.string(),
  verified_at: nullableString,
});

export const accountSchema = z.looseObject({
  id,
  username: z.string(),
  acct: z.string().min(1),
  url: nullableString,
  uri: z.string().optional(),
  display_name: z.string(),
  note: z.string(),
  avatar: z.string(),
  avatar_static: z.string().optional(),
  header: z.string().optional(),
  locked: z.boolean(),
  bot: z.boolean(),
  group: z.boolean().optional(),
  discoverable: z.boolean().nullable().optional(),
  noindex: z.boolean().nullable().optional(),
  indexable: z.boolean().optional(),
  created_at: isoTime,
  followers_count: count,
  following_count: count,
  statuses_count: count,
  last_status_at: nullableString,
  fields: z.array(accountFieldSchema),
  emojis: z.array(customEmojiSchema),
});
export type MastodonAccount = z.infer<typeof accountSchema>;

export const mediaAttachmentSchema = z.looseObject({
  id,
  type: z.string(),
  url: nullableString,
  preview_url: nullableString,
  remote_url: nullableString,
  description: nullableString,
  blurhash: nullableString,
  meta: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type MastodonMediaAttachment = z.infer<typeof mediaAttachmentSchema>;

export const mentionSchema = z.looseObject({
  id,
  username: z.string(),
  acct: z.string(),
  url: z.string(),
});

export const statusTagSchema = z.looseObject({
  name: z.string().min(1),
  url: z.string(),
});

export const pollSchema = z.looseObject({
  id,
  expires_at: nullableString,
  expired: z.boolean(),
  multiple: z.boolean(),
  votes_count: count,
  voters_count: count.nullable().optional(),
  options: z.array(z.looseObject({ title: z.string(), votes_count: count.nullable() })),
  emojis: z.array(customEmojiSchema),
  voted: z.boolean().optional(),
  own_votes: z.array(z.number().int()).optional(),
});

export const previewCardSchema = z.looseObject({
  url: z.string(),
  title: z.string(),
  description: z.string(),
  type: z.string(),
  image: nullableString,
  provider_name: z.string().optional(),
  author_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  blurhash: nullableString,
});

export const filterResultSchema = z.looseObject({
  filter: z.looseObject({
    id,
    title: z.string(),
    context: z.array(z.string()),
    expires_at: nullableString,
    filter_action: z.string(),
  }),
  keyword_matches: z.array(z.string()).nullable().optional(),
  status_matches: z.array(z.string()).nullable().optional(),
});
export type MastodonFilterResult = z.infer<typeof filterResultSchema>;

const statusFields = {
  id,
  uri: z.string().min(1),
  url: nullableString,
  created_at: isoTime,
  edited_at: isoTime.nullable().optional(),
  account: accountSchema,
  content: z.string(),
  visibility: z.string().min(1),
  sensitive: z.boolean(),
  spoiler_text: z.string(),
  media_attachments: z.array(mediaAttachmentSchema),
  mentions: z.array(mentionSchema),
  tags: z.array(statusTagSchema),
  emojis: z.array(customEmojiSchema),
  reblogs_count: count,
  favourites_count: count,
  replies_count: count,
  quotes_count: count.optional(),
  in_reply_to_id: nullableString,
  in_reply_to_account_id: nullableString,
  poll: pollSchema.nullable().optional(),
  card: previewCardSchema.nullable().optional(),
  language: nullableString,
  favourited: z.boolean().optional(),
  reblogged: z.boolean().optional(),
  muted: z.boolean().optional(),
  bookmarked: z.boolean().optional(),
  pinned: z.boolean().optional(),
  filtered: z.array(filterResultSchema).optional(),
};

/** A quoted post as Mastodon 4.4+ embeds it: a full status one level deep, or only its id. */
const quoteSchema = z.looseObject({
  state: z.string(),
  quoted_status: z.looseObject(statusFields).nullable().optional(),
  quoted_status_id: nullableString,
});

export const innerStatusSchema = z.looseObject({
  ...statusFields,
  quote: quoteSchema.nullable().optional(),
});
/** A status that is not a boost wrapper: what a boost wraps, and what a quote embeds. */
export type MastodonInnerStatus = z.infer<typeof innerStatusSchema>;

export const statusSchema = innerStatusSchema.extend({
  reblog: innerStatusSchema.nullable().optional(),
});
export type MastodonStatus = z.infer<typeof statusSchema>;
