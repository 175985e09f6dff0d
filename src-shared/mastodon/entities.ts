/**
 * Schemas for the Mastodon entities Corgi reads, written from the Mastodon API documentation and
 * loosened for the other servers that speak the same API (GoToSocial, Akkoma, Pleroma, Iceshrimp,
 * Friendica, Pixelfed…).
 *
 * Only a core field refuses an entity: for a status its id, URI, author and creation time. Every
 * other field is optional: `null` means absent, a wrong-typed value is dropped and counted (see
 * `lenient.ts`), an enumeration value Mastodon does not have becomes "unknown", and text past its
 * limit (`LIMITS`) is cut. Unknown fields pass through untouched, and the raw JSON is kept beside
 * the parsed columns for fields not yet used.
 */
import { z } from 'zod';
import {
  count,
  flag,
  id,
  known,
  limited,
  link,
  list,
  noteDrop,
  optional,
  optionalId,
  optionalTime,
  shortString,
  targetId,
  text,
  time,
  whole,
} from './lenient';

export { parseLeniently, type LenientResult, type TextCut } from './lenient';

/**
 * The most Corgi stores of each kind of text, in UTF-16 code units. Mastodon's own limits are far
 * lower (500 characters a post, 30 a display name, 1,500 an image description); these leave room
 * for servers that allow long posts and for articles from blogs, and stop a hostile server from
 * filling the disk and the sanitiser with megabytes in one field.
 */
export const LIMITS = {
  /** A post's HTML: about 30,000 words. */
  content: 200_000,
  /** A profile's HTML bio, and a profile field's value. */
  note: 50_000,
  /** Display names, list and filter titles, profile field names, poll options. */
  name: 1_000,
  /** Content warnings, image descriptions, card descriptions. */
  description: 10_000,
  /** Links and URIs: a longer one is dropped (or, for a post's URI, refuses the post). */
  link: 4_096,
  /** Handles, shortcodes, hashtags, languages, ids. */
  short: 1_000,
  /** Items in one list: media, mentions, hashtags, emoji, poll options, profile fields. */
  items: 500,
} as const;

const shortText = z.string().max(LIMITS.short);
const nullableShort = (field: string) => shortString(field, LIMITS.short, null);

export const customEmojiSchema = z.looseObject({
  shortcode: z.string().min(1).max(LIMITS.short),
  url: z.string().min(1).max(LIMITS.link),
  static_url: link('CustomEmoji.static_url', LIMITS.link),
  visible_in_picker: flag('CustomEmoji.visible_in_picker', true),
});

export const accountFieldSchema = z.looseObject({
  name: limited('Field.name', LIMITS.name),
  value: text('Field.value', LIMITS.note, { html: true }),
  verified_at: optionalTime('Field.verified_at'),
});

const accountShape = {
  id,
  acct: z.string().min(1).max(LIMITS.short),
  username: text('Account.username', LIMITS.short),
  url: link('Account.url', LIMITS.link),
  uri: link('Account.uri', LIMITS.link),
  display_name: text('Account.display_name', LIMITS.name),
  note: text('Account.note', LIMITS.note, { html: true }),
  avatar: shortString('Account.avatar', LIMITS.link, ''),
  avatar_static: link('Account.avatar_static', LIMITS.link),
  header: link('Account.header', LIMITS.link),
  locked: flag('Account.locked'),
  bot: flag('Account.bot'),
  group: flag('Account.group'),
  discoverable: flag('Account.discoverable', undefined),
  noindex: flag('Account.noindex', undefined),
  indexable: flag('Account.indexable', undefined),
  created_at: optionalTime('Account.created_at'),
  followers_count: count('Account.followers_count'),
  following_count: count('Account.following_count'),
  statuses_count: count('Account.statuses_count'),
  last_status_at: optionalTime('Account.last_status_at', null),
  fields: list('Account.fields', accountFieldSchema, 50),
  emojis: list('Account.emojis', customEmojiSchema, LIMITS.items),
};

/** An account: its id and handle are what Corgi cannot do without. */
export const accountSchema = z.looseObject(accountShape);
export type MastodonAccount = z.infer<typeof accountSchema>;

export const MEDIA_TYPES = ['image', 'video', 'gifv', 'audio', 'unknown'] as const;

export const mediaAttachmentSchema = z.looseObject({
  id: optionalId('MediaAttachment.id', ''),
  type: known('MediaAttachment.type', MEDIA_TYPES, 'unknown'),
  url: link('MediaAttachment.url', LIMITS.link),
  preview_url: link('MediaAttachment.preview_url', LIMITS.link),
  remote_url: link('MediaAttachment.remote_url', LIMITS.link),
  description: text('MediaAttachment.description', LIMITS.description, { fallback: null }),
  blurhash: nullableShort('MediaAttachment.blurhash'),
  meta: optional('MediaAttachment.meta', z.record(z.string(), z.unknown())),
});
export type MastodonMediaAttachment = z.infer<typeof mediaAttachmentSchema>;

export const mentionSchema = z.looseObject({
  id: optionalId('Mention.id', ''),
  acct: z.string().min(1).max(LIMITS.short),
  username: text('Mention.username', LIMITS.short),
  url: text('Mention.url', LIMITS.link),
});

export const statusTagSchema = z.looseObject({
  name: z.string().min(1).max(LIMITS.short),
  url: text('Tag.url', LIMITS.link),
});

export const pollSchema = z.looseObject({
  id,
  expires_at: optionalTime('Poll.expires_at', null),
  expired: flag('Poll.expired'),
  multiple: flag('Poll.multiple'),
  votes_count: count('Poll.votes_count'),
  voters_count: whole('Poll.voters_count', null),
  options: list(
    'Poll.options',
    z.looseObject({
      title: limited('PollOption.title', LIMITS.name),
      votes_count: whole('PollOption.votes_count', null),
    }),
    100,
  ),
  emojis: list('Poll.emojis', customEmojiSchema, LIMITS.items),
  voted: flag('Poll.voted', undefined),
  own_votes: list('Poll.own_votes', z.number().int().nonnegative(), 100),
});

export const CARD_TYPES = ['link', 'photo', 'video', 'rich'] as const;

export const previewCardSchema = z.looseObject({
  url: z.string().min(1).max(LIMITS.link),
  title: text('PreviewCard.title', LIMITS.name),
  description: text('PreviewCard.description', LIMITS.description),
  type: known('PreviewCard.type', CARD_TYPES, 'link'),
  image: link('PreviewCard.image', LIMITS.link),
  provider_name: text('PreviewCard.provider_name', LIMITS.name),
  author_name: text('PreviewCard.author_name', LIMITS.name),
  html: text('PreviewCard.html', LIMITS.description),
  width: optional('PreviewCard.width', z.number().nonnegative()),
  height: optional('PreviewCard.height', z.number().nonnegative()),
  blurhash: nullableShort('PreviewCard.blurhash'),
});

export const FILTER_ACTIONS = ['warn', 'hide', 'blur'] as const;

export const filterResultSchema = z.looseObject({
  filter: z.looseObject({
    id,
    title: text('Filter.title', LIMITS.name),
    context: list('Filter.context', shortText, 10),
    expires_at: optionalTime('Filter.expires_at', null),
    /** Unknown actions are shown like "warn" (Mastodon's advice to clients). */
    filter_action: known('Filter.filter_action', FILTER_ACTIONS, 'warn'),
  }),
  keyword_matches: list('FilterResult.keyword_matches', shortText, 100),
  status_matches: list('FilterResult.status_matches', id, 100),
});
export type MastodonFilterResult = z.infer<typeof filterResultSchema>;

export const VISIBILITIES = ['public', 'unlisted', 'private', 'direct', 'local'] as const;

const statusFields = {
  id,
  uri: z.string().min(1).max(LIMITS.link),
  url: link('Status.url', LIMITS.link),
  created_at: time,
  edited_at: optionalTime('Status.edited_at', null),
  account: accountSchema,
  content: text('Status.content', LIMITS.content, { html: true }),
  /** Pleroma's `local` (this server only) is known; anything else is "unknown". */
  visibility: known('Status.visibility', VISIBILITIES, 'unknown'),
  sensitive: flag('Status.sensitive'),
  spoiler_text: text('Status.spoiler_text', LIMITS.description),
  media_attachments: list('Status.media_attachments', mediaAttachmentSchema, 40),
  mentions: list('Status.mentions', mentionSchema, LIMITS.items),
  tags: list('Status.tags', statusTagSchema, LIMITS.items),
  emojis: list('Status.emojis', customEmojiSchema, LIMITS.items),
  reblogs_count: count('Status.reblogs_count'),
  favourites_count: count('Status.favourites_count'),
  replies_count: count('Status.replies_count'),
  /** Absent on servers that do not count quotes: unknown, not zero. */
  quotes_count: whole('Status.quotes_count'),
  in_reply_to_id: targetId('Status.in_reply_to_id', null),
  in_reply_to_account_id: targetId('Status.in_reply_to_account_id', null),
  poll: optional('Status.poll', pollSchema, null),
  card: optional('Status.card', previewCardSchema, null),
  language: nullableShort('Status.language'),
  favourited: flag('Status.favourited', undefined),
  reblogged: flag('Status.reblogged', undefined),
  muted: flag('Status.muted', undefined),
  bookmarked: flag('Status.bookmarked', undefined),
  pinned: flag('Status.pinned', undefined),
  filtered: list('Status.filtered', filterResultSchema, 100),
};

export const QUOTE_STATES = [
  'pending',
  'accepted',
  'rejected',
  'revoked',
  'deleted',
  'unauthorized',
  'blocked_account',
  'blocked_domain',
  'muted_account',
  'muted_domain',
] as const;

/**
 * Akkoma and Pleroma put the quoted post itself in `quote` (with `quote_id` beside it); Mastodon
 * 4.4 puts a Quote there, `{state, quoted_status}`. A status in that place is read as an accepted
 * quote of it.
 */
function asQuote(value: unknown): unknown {
  if (value && typeof value === 'object' && 'uri' in value && 'account' in value && !('state' in value))
    return { state: 'accepted', quoted_status: value };
  return value;
}

/** A quoted post as Mastodon 4.4+ embeds it: a full status one level deep, or only its id. */
export const quoteSchema = z.looseObject({
  /** Required: an object without a state is not a quote. An unknown state is kept as "unknown". */
  state: z
    .string()
    .max(LIMITS.short)
    .transform((state) => ((QUOTE_STATES as readonly string[]).includes(state) ? state : 'unknown')),
  quoted_status: optional('Quote.quoted_status', z.looseObject(statusFields), null),
  quoted_status_id: targetId('Quote.quoted_status_id', null),
});

export const innerStatusSchema = z.looseObject({
  ...statusFields,
  quote: optional('Status.quote', z.preprocess(asQuote, quoteSchema), null),
});
/** A status that is not a boost wrapper: what a boost wraps, and what a quote embeds. */
export type MastodonInnerStatus = z.infer<typeof innerStatusSchema>;

/**
 * A boost whose post cannot be read is refused with it: there is nothing to show. A `reblog` that
 * is not an object at all is dropped, and the status read as a post of its own.
 */
export const statusSchema = innerStatusSchema.extend({
  reblog: z.preprocess((value) => {
    if (value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value)))
      return value;
    noteDrop('Status.reblog');
    return null;
  }, innerStatusSchema.nullish()),
});
export type MastodonStatus = z.infer<typeof statusSchema>;

// ---- Sign-in ---------------------------------------------------------------------------------

/** `GET /.well-known/oauth-authorization-server` (Mastodon 4.3+). */
export const authServerMetadataSchema = z.looseObject({
  issuer: text('AuthServer.issuer', LIMITS.link),
  authorization_endpoint: z.string().min(1).max(LIMITS.link),
  token_endpoint: z.string().min(1).max(LIMITS.link),
  app_registration_endpoint: link('AuthServer.app_registration_endpoint', LIMITS.link),
  revocation_endpoint: link('AuthServer.revocation_endpoint', LIMITS.link),
  userinfo_endpoint: link('AuthServer.userinfo_endpoint', LIMITS.link),
  scopes_supported: list('AuthServer.scopes_supported', shortText),
  response_types_supported: list('AuthServer.response_types_supported', shortText),
  code_challenge_methods_supported: list('AuthServer.code_challenge_methods_supported', shortText),
  grant_types_supported: list('AuthServer.grant_types_supported', shortText),
});
export type AuthServerMetadata = z.infer<typeof authServerMetadataSchema>;

export const applicationSchema = z.looseObject({
  id: optionalId('Application.id'),
  name: text('Application.name', LIMITS.name),
  website: link('Application.website', LIMITS.link),
  scopes: list('Application.scopes', shortText),
  redirect_uri: text('Application.redirect_uri', LIMITS.note),
  redirect_uris: list('Application.redirect_uris', shortText),
});

/** `POST /api/v1/apps`: every app is a confidential client. */
export const credentialApplicationSchema = applicationSchema.extend({
  client_id: z.string().min(1).max(LIMITS.short),
  client_secret: z.string().min(1).max(LIMITS.short),
});
export type CredentialApplication = z.infer<typeof credentialApplicationSchema>;

/** `POST /oauth/token`: no refresh token and no expiry. */
export const tokenSchema = z.looseObject({
  access_token: z.string().min(1).max(LIMITS.short),
  token_type: text('Token.token_type', LIMITS.short, { fallback: 'Bearer' }),
  scope: text('Token.scope', LIMITS.short),
  created_at: optional('Token.created_at', z.number().int()),
});
export type MastodonToken = z.infer<typeof tokenSchema>;

/** The account behind a token, with its private `source` settings. */
export const credentialAccountSchema = z.looseObject({
  ...accountShape,
  source: optional(
    'CredentialAccount.source',
    z.looseObject({
      privacy: nullableShort('Source.privacy'),
      sensitive: flag('Source.sensitive', undefined),
      language: nullableShort('Source.language'),
      note: text('Source.note', LIMITS.note),
      fields: list('Source.fields', accountFieldSchema, 50),
    }),
  ),
});

const apiVersions = z.record(z.string(), z.number().int().nonnegative());

/**
 * `GET /api/v2/instance`, or `/api/v1/instance` on servers without it. Nothing in it is core: a
 * server that says little is asked about its features one endpoint at a time.
 */
export const instanceSchema = z.looseObject({
  /** v2. */
  domain: nullableShort('Instance.domain'),
  /** v1: the domain. */
  uri: nullableShort('Instance.uri'),
  title: text('Instance.title', LIMITS.name),
  /** "4.5.0", "4.3.0+glitch", "2.7.2 (compatible; Akkoma 3.13.2)", "0.17.3+git-…" */
  version: text('Instance.version', LIMITS.short),
  source_url: link('Instance.source_url', LIMITS.link),
  api_versions: optional('Instance.api_versions', apiVersions),
  configuration: optional(
    'Instance.configuration',
    z.looseObject({
      urls: optional(
        'Instance.configuration.urls',
        z.looseObject({ streaming: link('Instance.configuration.urls.streaming', LIMITS.link) }),
      ),
      statuses: optional(
        'Instance.configuration.statuses',
        z.looseObject({
          max_characters: optional('Instance.configuration.statuses.max_characters', z.number().int()),
        }),
      ),
      translation: optional(
        'Instance.configuration.translation',
        z.looseObject({ enabled: flag('Instance.configuration.translation.enabled', undefined) }),
      ),
    }),
  ),
  /** v1: the streaming host. */
  urls: optional(
    'Instance.urls',
    z.looseObject({ streaming_api: link('Instance.urls.streaming_api', LIMITS.link) }),
  ),
  /** v1: the post length limit, on Mastodon before 4.0 and on several other servers. */
  max_toot_chars: optional('Instance.max_toot_chars', z.number().int()),
  /** Pleroma and Akkoma: what the server can do (`pleroma_api`, `quote_posting`, `editing`…). */
  pleroma: optional(
    'Instance.pleroma',
    z.looseObject({
      metadata: optional(
        'Instance.pleroma.metadata',
        z.looseObject({ features: list('Instance.pleroma.metadata.features', shortText) }),
      ),
    }),
  ),
});
export type MastodonInstance = z.infer<typeof instanceSchema>;

// ---- Reading -----------------------------------------------------------------------------------

/** A thread around a status. Its members are validated one by one by ingest, like any page. */
export const contextSchema = z.looseObject({
  ancestors: list('Context.ancestors', z.unknown(), 10_000),
  descendants: list('Context.descendants', z.unknown(), 10_000),
});

const numberAsText = z.union([z.string().max(LIMITS.short), z.number().transform(String)]);

export const tagHistorySchema = z.looseObject({
  day: numberAsText,
  uses: optional('TagHistory.uses', numberAsText, '0'),
  accounts: optional('TagHistory.accounts', numberAsText, '0'),
});

/** A hashtag as followed tags, trends and the tag endpoints describe it. */
export const tagSchema = z.looseObject({
  id: optionalId('Tag.id'),
  name: z.string().min(1).max(LIMITS.short),
  url: text('Tag.url', LIMITS.link),
  history: list('Tag.history', tagHistorySchema, 100),
  following: flag('Tag.following', undefined),
});
export type MastodonTag = z.infer<typeof tagSchema>;

/** A trending link: a preview card with usage history. */
export const trendsLinkSchema = previewCardSchema.extend({
  history: list('TrendsLink.history', tagHistorySchema, 100),
});

export const relationshipSchema = z.looseObject({
  id,
  following: flag('Relationship.following'),
  showing_reblogs: flag('Relationship.showing_reblogs', true),
  notifying: flag('Relationship.notifying'),
  followed_by: flag('Relationship.followed_by'),
  blocking: flag('Relationship.blocking'),
  blocked_by: flag('Relationship.blocked_by'),
  muting: flag('Relationship.muting'),
  muting_notifications: flag('Relationship.muting_notifications'),
  requested: flag('Relationship.requested'),
  domain_blocking: flag('Relationship.domain_blocking'),
  endorsed: flag('Relationship.endorsed'),
});
export type MastodonRelationship = z.infer<typeof relationshipSchema>;

/** A v2 filter with its keywords and status rules. */
export const filterSchema = z.looseObject({
  id,
  title: text('Filter.title', LIMITS.name),
  context: list('Filter.context', shortText, 10),
  expires_at: optionalTime('Filter.expires_at', null),
  filter_action: known('Filter.filter_action', FILTER_ACTIONS, 'warn'),
  keywords: list(
    'Filter.keywords',
    z.looseObject({
      id: optionalId('FilterKeyword.id', ''),
      keyword: z.string().min(1).max(LIMITS.name),
      whole_word: flag('FilterKeyword.whole_word'),
    }),
  ),
  statuses: list('Filter.statuses', z.looseObject({ id: optionalId('FilterStatus.id', ''), status_id: id })),
});
export type MastodonFilter = z.infer<typeof filterSchema>;

/**
 * A v1 filter (`GET /api/v1/filters`): one phrase each; "irreversible" ones drop the post on the
 * server, the others warn. Servers without filters v2 (GoToSocial before 0.16, Pleroma, Akkoma)
 * have these.
 */
export const filterV1Schema = z.looseObject({
  id,
  phrase: z.string().min(1).max(LIMITS.name),
  context: list('FilterV1.context', shortText, 10),
  expires_at: optionalTime('FilterV1.expires_at', null),
  irreversible: flag('FilterV1.irreversible'),
  whole_word: flag('FilterV1.whole_word'),
});

export const listSchema = z.looseObject({
  id,
  title: text('List.title', LIMITS.name),
  replies_policy: known('List.replies_policy', ['followed', 'list', 'none'] as const, 'list'),
  exclusive: flag('List.exclusive'),
});

export const markerSchema = z.looseObject({
  last_read_id: id,
  version: count('Marker.version'),
  updated_at: optionalTime('Marker.updated_at', null),
});
export const markersSchema = z.looseObject({
  home: optional('Markers.home', markerSchema),
  notifications: optional('Markers.notifications', markerSchema),
});
export type MastodonMarkers = z.infer<typeof markersSchema>;

export const NOTIFICATION_TYPES = [
  'mention',
  'status',
  'reblog',
  'follow',
  'follow_request',
  'favourite',
  'poll',
  'update',
  'quote',
  'quoted_update',
  'admin.sign_up',
  'admin.report',
  'severed_relationships',
  'moderation_warning',
  'annual_report',
] as const;

/** A v1 notification; a status that cannot be read is dropped, the notification kept. */
export const notificationSchema = z.looseObject({
  id,
  type: known('Notification.type', NOTIFICATION_TYPES, 'unknown'),
  created_at: time,
  group_key: nullableShort('Notification.group_key'),
  account: optional('Notification.account', accountSchema, null),
  status: optional('Notification.status', statusSchema, null),
});
export type MastodonNotification = z.infer<typeof notificationSchema>;

export const notificationGroupSchema = z.looseObject({
  group_key: z.string().min(1).max(LIMITS.short),
  notifications_count: count('NotificationGroup.notifications_count'),
  type: known('NotificationGroup.type', NOTIFICATION_TYPES, 'unknown'),
  most_recent_notification_id: id,
  page_min_id: optionalId('NotificationGroup.page_min_id'),
  page_max_id: optionalId('NotificationGroup.page_max_id'),
  latest_page_notification_at: optionalTime('NotificationGroup.latest_page_notification_at'),
  sample_account_ids: list('NotificationGroup.sample_account_ids', id, 100),
  status_id: optionalId('NotificationGroup.status_id', null),
});

/** `GET /api/v2/notifications`: groups, with the accounts and statuses they refer to. */
export const groupedNotificationsSchema = z.looseObject({
  accounts: list('GroupedNotifications.accounts', accountSchema, 10_000),
  statuses: list('GroupedNotifications.statuses', z.unknown(), 10_000),
  notification_groups: list('GroupedNotifications.notification_groups', notificationGroupSchema, 10_000),
});
export type GroupedNotifications = z.infer<typeof groupedNotificationsSchema>;

/** An error body: `{"error": "…"}`, sometimes with a description. */
export const errorBodySchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});

// ---- Streaming ---------------------------------------------------------------------------------

/**
 * One WebSocket frame. Mastodon encodes `payload` as JSON a second time, except for `delete` (an
 * id); some servers send it as an object.
 */
export const streamingEnvelopeSchema = z.looseObject({
  stream: list('Streaming.stream', shortText, 10),
  event: z.string().min(1).max(LIMITS.short),
  payload: z.unknown().optional(),
});
export type StreamingEnvelope = z.infer<typeof streamingEnvelopeSchema>;
