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
export const quoteSchema = z.looseObject({
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

// ---- Sign-in ---------------------------------------------------------------------------------

/** `GET /.well-known/oauth-authorization-server` (Mastodon 4.3+). */
export const authServerMetadataSchema = z.looseObject({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  app_registration_endpoint: z.string().optional(),
  revocation_endpoint: z.string().optional(),
  userinfo_endpoint: z.string().optional(),
  scopes_supported: z.array(z.string()).optional(),
  response_types_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  grant_types_supported: z.array(z.string()).optional(),
});
export type AuthServerMetadata = z.infer<typeof authServerMetadataSchema>;

export const applicationSchema = z.looseObject({
  id: id.optional(),
  name: z.string(),
  website: nullableString,
  scopes: z.array(z.string()).optional(),
  redirect_uri: z.string().optional(),
  redirect_uris: z.array(z.string()).optional(),
});

/** `POST /api/v1/apps`: every app is a confidential client. */
export const credentialApplicationSchema = applicationSchema.extend({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});
export type CredentialApplication = z.infer<typeof credentialApplicationSchema>;

/** `POST /oauth/token`: no refresh token and no expiry. */
export const tokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  scope: z.string(),
  created_at: z.number().int(),
});
export type MastodonToken = z.infer<typeof tokenSchema>;

/** The account behind a token, with its private `source` settings. */
export const credentialAccountSchema = accountSchema.extend({
  source: z
    .looseObject({
      privacy: z.string().optional(),
      sensitive: z.boolean().optional(),
      language: nullableString,
      note: z.string().optional(),
      fields: z.array(accountFieldSchema).optional(),
    })
    .optional(),
});

/** `GET /api/v2/instance`: only what Corgi uses (streaming host, API version). */
export const instanceSchema = z.looseObject({
  domain: z.string().min(1),
  title: z.string(),
  version: z.string(),
  api_versions: z.looseObject({ mastodon: z.number().int().optional() }).optional(),
  configuration: z.looseObject({
    urls: z.looseObject({ streaming: z.string().optional() }),
    statuses: z.looseObject({ max_characters: count.optional() }).optional(),
  }),
});
export type MastodonInstance = z.infer<typeof instanceSchema>;

// ---- Reading -----------------------------------------------------------------------------------

/** A thread around a status. Its members are validated one by one by ingest, like any page. */
export const contextSchema = z.looseObject({
  ancestors: z.array(z.unknown()),
  descendants: z.array(z.unknown()),
});

export const tagHistorySchema = z.looseObject({
  day: z.string(),
  uses: z.string(),
  accounts: z.string(),
});

/** A hashtag as followed tags, trends and the tag endpoints describe it. */
export const tagSchema = z.looseObject({
  id: id.optional(),
  name: z.string().min(1),
  url: z.string(),
  history: z.array(tagHistorySchema).optional(),
  following: z.boolean().optional(),
});
export type MastodonTag = z.infer<typeof tagSchema>;

/** A trending link: a preview card with usage history. */
export const trendsLinkSchema = previewCardSchema.extend({ history: z.array(tagHistorySchema) });

export const relationshipSchema = z.looseObject({
  id,
  following: z.boolean(),
  showing_reblogs: z.boolean(),
  notifying: z.boolean().optional(),
  followed_by: z.boolean(),
  blocking: z.boolean(),
  blocked_by: z.boolean(),
  muting: z.boolean(),
  muting_notifications: z.boolean(),
  requested: z.boolean(),
  domain_blocking: z.boolean(),
  endorsed: z.boolean().optional(),
});
export type MastodonRelationship = z.infer<typeof relationshipSchema>;

/** A v2 filter with its keywords and status rules. */
export const filterSchema = z.looseObject({
  id,
  title: z.string(),
  context: z.array(z.string()),
  expires_at: nullableString,
  filter_action: z.string(),
  keywords: z.array(z.looseObject({ id, keyword: z.string(), whole_word: z.boolean() })).optional(),
  statuses: z.array(z.looseObject({ id, status_id: id })).optional(),
});
export type MastodonFilter = z.infer<typeof filterSchema>;

export const markerSchema = z.looseObject({
  last_read_id: id,
  version: z.number().int(),
  updated_at: isoTime,
});
export const markersSchema = z.looseObject({
  home: markerSchema.optional(),
  notifications: markerSchema.optional(),
});
export type MastodonMarkers = z.infer<typeof markersSchema>;

/** A v1 notification; a malformed status refuses the notification it came in. */
export const notificationSchema = z.looseObject({
  id,
  type: z.string().min(1),
  created_at: isoTime,
  group_key: z.string().optional(),
  account: accountSchema,
  status: statusSchema.nullable().optional(),
});
export type MastodonNotification = z.infer<typeof notificationSchema>;

/** Some servers send the newest notification id as a number: ids are strings everywhere else. */
const lenientId = z.union([id, z.number().int()]).transform(String);

export const notificationGroupSchema = z.looseObject({
  group_key: z.string().min(1),
  notifications_count: count,
  type: z.string().min(1),
  most_recent_notification_id: lenientId,
  page_min_id: lenientId.optional(),
  page_max_id: lenientId.optional(),
  latest_page_notification_at: isoTime.optional(),
  sample_account_ids: z.array(id),
  status_id: id.nullable().optional(),
});

/** `GET /api/v2/notifications`: groups, with the accounts and statuses they refer to. */
export const groupedNotificationsSchema = z.looseObject({
  accounts: z.array(accountSchema),
  statuses: z.array(z.unknown()),
  notification_groups: z.array(notificationGroupSchema),
});
export type GroupedNotifications = z.infer<typeof groupedNotificationsSchema>;

/** An error body: `{"error": "…"}`, sometimes with a description. */
export const errorBodySchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});

// ---- Streaming ---------------------------------------------------------------------------------

/** One WebSocket frame. `payload` is JSON encoded a second time, except for `delete` (an id). */
export const streamingEnvelopeSchema = z.looseObject({
  stream: z.array(z.string()).optional(),
  event: z.string().min(1),
  payload: z.string().optional(),
});
export type StreamingEnvelope = z.infer<typeof streamingEnvelopeSchema>;
