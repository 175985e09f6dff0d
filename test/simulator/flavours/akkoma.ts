/**
 * A server shaped after Akkoma 3.16 (a Pleroma fork), as its views, router and plugs read at
 * akkoma.dev/AkkomaGang/akkoma 300302d43277765c9594650f1cbf788f808dc4b8 (2025-10-13, from the
 * mirror BDX-town/Akkoma). Where Pleroma 2.7 (639016bd, mirror kphrx/pleroma) differs, the table
 * says so; real bodies from their API documentation are in test/fixtures/akkoma.
 */
import { MASTODON_LIMITS } from '../rate-limits';
import { eachAccount, eachStatus, json, omit, type Difference, type Flavour, type Json } from './flavour';
import { flakeIds } from './ids';
import { mastodon } from './mastodon';

const AT = '(Akkoma @300302d4)';
const VIEWS = 'lib/pleroma/web/mastodon_api/views';
const VERSION = '2.7.2 (compatible; Akkoma 3.16.0)';

const differences: Difference[] = [
  {
    what: 'ids',
    how: 'FlakeIds: 18 characters of base 62, not numbers',
    source: `lib/pleroma/web/api_spec/schemas/flake_id.ex ${AT}`,
  },
  {
    what: 'version',
    how: `"${VERSION}": claims Mastodon 2.7.2`,
    source: `${VIEWS}/instance_view.ex L11-22 ${AT}`,
  },
  {
    what: 'GET /api/v2/instance',
    how: 'missing: 404 {"error":"Not implemented"} (Pleroma 2.7 has it)',
    source: `lib/pleroma/web/router.ex L693-700, L945 ${AT}`,
  },
  {
    what: 'GET /api/v1/instance',
    how: 'no `configuration`; `urls.streaming_api`, `max_toot_chars`, `pleroma.metadata.features`',
    source: `${VIEWS}/instance_view.ex L13-98 ${AT}`,
  },
  { what: 'Status.filtered', how: 'absent: no v2 filters', source: `${VIEWS}/status_view.ex ${AT}` },
  {
    what: 'Status.quote',
    how: 'the quoted Status itself (not {state, quoted_status}), with `quote_id`; no `quotes_count`',
    source: `${VIEWS}/status_view.ex L373-415, L786-803 ${AT}`,
  },
  {
    what: 'Status.in_reply_to_id',
    how: '"_" for a parent the server cannot resolve',
    source: `${VIEWS}/status_view.ex L29-31, L284-289 ${AT}`,
  },
  {
    what: 'Status.pleroma, akkoma, emoji_reactions',
    how: 'extra objects',
    source: `${VIEWS}/status_view.ex L416-438 ${AT}`,
  },
  {
    what: 'Status (boost wrapper)',
    how: 'no `card`, `poll`, `edited_at`, `text`',
    source: `${VIEWS}/status_view.ex L176-211 ${AT}`,
  },
  {
    what: 'Status.visibility',
    how: 'also "local" and "list"',
    source: `lib/pleroma/web/activity_pub/visibility.ex L123-153 ${AT}`,
  },
  {
    what: 'CustomEmoji',
    how: 'no `category`; `visible_in_picker` false',
    source: `${VIEWS}/status_view.ex L737-749 ${AT}`,
  },
  {
    what: 'Account',
    how: 'no `uri`, `group`, `discoverable`, `noindex`, `indexable`; extra `pleroma`, `akkoma`, `fqn`; fields without `verified_at`',
    source: `${VIEWS}/account_view.ex L204-331 ${AT}`,
  },
  {
    what: 'Notification',
    how: 'no `group_key`; extra `pleroma`; `status` may be null',
    source: `${VIEWS}/notification_view.ex L72-134 ${AT}`,
  },
  {
    what: 'GET /api/v1/notifications',
    how: 'ignores `types[]` (reads `include_types[]`)',
    source: `lib/pleroma/web/api_spec/operations/notification_operation.ex L30-62 ${AT}`,
  },
  {
    what: 'GET /api/v2/notifications, /api/v2/filters, /api/v1/trends/*',
    how: 'missing: 404 {"error":"Not implemented"}',
    source: `lib/pleroma/web/router.ex L945, lib/pleroma/web/fallback/redirect_controller.ex L14-18 ${AT}`,
  },
  {
    what: 'GET /api/v1/statuses',
    how: 'reads `ids[]`, not `id[]` (400 without it)',
    source: `lib/pleroma/web/api_spec/operations/status_operation.ex L32-38 ${AT}`,
  },
  { what: 'List', how: 'only `id` and `title`', source: `${VIEWS}/list_view.ex ${AT}` },
  {
    what: 'Markers',
    how: 'only `notifications` is kept; `updated_at` without a time zone',
    source: `lib/pleroma/marker.ex L17, L42 ${AT}`,
  },
  {
    what: 'GET /.well-known/oauth-authorization-server',
    how: '200 text/html (the web app); no PKCE',
    source: `lib/pleroma/web/router.ex L946 ${AT}`,
  },
  {
    what: 'no token, or a revoked one',
    how: '403 {"error":"Invalid credentials."}, not 401',
    source: `lib/pleroma/web/plugs/ensure_authenticated_plug.ex L40-43 ${AT}`,
  },
  {
    what: 'rate limits',
    how: '3 timeline requests in 0.5 s; 429 {"error":"Throttled"} with no X-RateLimit-* or Retry-After',
    source: `config/config.exs L720-731, lib/pleroma/web/plugs/rate_limiter.ex L212-216 ${AT}`,
  },
  {
    what: 'streaming',
    how: 'frames name internal topics (["user:ID"], ["list:ID"]); `subscribe` cannot open lists or hashtags; `delete` has no `stream`; token in the query (Pleroma: only there)',
    source: `lib/pleroma/web/mastodon_api/websocket_handler.ex, lib/pleroma/web/streamer.ex ${AT}`,
  },
];

const notImplemented = () => json({ error: 'Not implemented' });

function akkomaStatus(status: Json, domain: string): void {
  omit(status, 'filtered', 'quotes_count', 'quote_approval');
  // Some parents cannot be resolved (a post the server never fetched), and some posts go to this
  // server only or to a list: a quarter and a third of them here, always the same ones.
  const n = BigInt(String(status.id));
  if (status.in_reply_to_id && n % 4n === 0n) {
    status.in_reply_to_id = '_';
    status.in_reply_to_account_id = '_';
  }
  if (n % 3n === 0n && status.visibility === 'unlisted') status.visibility = 'local';
  if (n % 3n === 0n && status.visibility === 'private') status.visibility = 'list';
  const wrapper = status.reblog !== null && status.reblog !== undefined;
  const quote = status.quote as Json | null | undefined;
  if (quote && typeof quote === 'object' && 'state' in quote) {
    status.quote = quote.quoted_status ?? null;
    status.quote_id = (quote.quoted_status as Json | undefined)?.id ?? quote.quoted_status_id ?? '_';
  } else if (!wrapper) {
    status.quote = null;
    status.quote_id = null;
  }
  const author = status.account as Json;
  const local = typeof author.acct === 'string' && !author.acct.includes('@');
  status.pleroma = wrapper
    ? { local, pinned_at: null }
    : {
        local,
        conversation_id: Number(BigInt(String(status.id)) % 1_000_000n),
        context: `https://${domain}/contexts/${String(status.id)}`,
        in_reply_to_account_acct: null,
        content: { 'text/plain': String(status.content ?? '').replace(/<[^>]+>/g, '') },
        spoiler_text: { 'text/plain': status.spoiler_text ?? '' },
        expires_at: null,
        direct_conversation_id: null,
        thread_muted: false,
        emoji_reactions: [],
        parent_visible: true,
        pinned_at: null,
      };
  if (wrapper) omit(status, 'card', 'poll', 'edited_at', 'text', 'quote', 'quote_id');
  else {
    status.akkoma = { source: null, in_reply_to_apid: null, quote_apid: null };
    status.emoji_reactions = [];
    status.text = null;
  }
  for (const emoji of (status.emojis as Json[] | undefined) ?? []) {
    omit(emoji, 'category');
    emoji.visible_in_picker = false;
  }
}

export const akkoma: Flavour = {
  ...mastodon,
  name: 'akkoma',
  title: 'Akkoma 3.16',
  version: VERSION,
  software: { name: 'akkoma', version: '3.16.0' },
  differences,
  ids: flakeIds,
  answer(method, path) {
    if (method !== 'GET') return undefined;
    if (path === '/api/v2/instance' || path === '/api/v2/notifications' || path === '/api/v2/filters')
      return notImplemented();
    if (path.startsWith('/api/v1/trends/')) return notImplemented();
    if (path === '/.well-known/oauth-authorization-server')
      return {
        status: 200,
        contentType: 'text/html',
        body: '<!DOCTYPE html><html><head><title>Akkoma</title></head><body><noscript>To use Akkoma, please enable JavaScript.</noscript><div id="app"></div></body></html>',
      };
    return undefined;
  },
  instanceV2: () => null,
  instanceV1: (document) => {
    const config = (document.configuration as Json | undefined) ?? {};
    return {
      uri: document.uri,
      title: document.title,
      description: document.description,
      short_description: document.description,
      version: VERSION,
      email: 'admin@example.org',
      urls: { streaming_api: (document.urls as Json).streaming_api },
      stats: { domain_count: 2996, status_count: 15802, user_count: 5 },
      thumbnail: `https://${String(document.uri)}/instance/thumbnail.jpeg`,
      languages: ['en'],
      registrations: false,
      approval_required: false,
      max_toot_chars: ((config.statuses as Json | undefined)?.max_characters as number | undefined) ?? 5000,
      poll_limits: { max_expiration: 31536000, max_option_chars: 200, max_options: 20, min_expiration: 0 },
      upload_limit: 16000000,
      avatar_upload_limit: 2000000,
      background_upload_limit: 4000000,
      banner_upload_limit: 4000000,
      background_image: '/static/image.png',
      description_limit: 5000,
      pleroma: {
        metadata: {
          account_activation_required: false,
          features: [
            'pleroma_api',
            'akkoma_api',
            'mastodon_api',
            'mastodon_api_streaming',
            'polls',
            'editing',
            'quote_posting',
            'custom_emoji_reactions',
          ],
          federation: { enabled: true },
          fields_limits: { max_fields: 10 },
          post_formats: ['text/plain', 'text/html', 'text/markdown', 'text/bbcode', 'text/x.misskeymarkdown'],
          privileged_staff: false,
        },
        stats: { mau: 5 },
        vapid_public_key:
          'BLH1qVhJItRGCfxgTtONfsOKDc9VRAraXw-3r1eRkyLyb2jbaA4hm6Q-yCXSh6ZGDMAgiUmT4PdVbyMv5Q9Z8g8',
      },
    };
  },
  shape(kind, body, context) {
    eachStatus(kind, body, (status) => akkomaStatus(status, context.domain));
    eachAccount(kind, body, (account) => {
      omit(
        account,
        'uri',
        'group',
        'discoverable',
        'noindex',
        'indexable',
        'hide_collections',
        'roles',
        'memorial',
      );
      for (const field of (account.fields as Json[] | undefined) ?? []) omit(field, 'verified_at');
      const acct = String(account.acct);
      account.fqn = acct.includes('@') ? acct : `${acct}@${context.domain}`;
      if (!account.display_name) account.display_name = account.username;
      account.pleroma = {
        ap_id: account.url,
        also_known_as: [],
        is_confirmed: true,
        tags: [],
        hide_followers_count: false,
        hide_follows_count: false,
        hide_followers: false,
        hide_follows: false,
        hide_favorites: true,
        relationship: {},
        skip_thread_containment: false,
        background_image: null,
        favicon: null,
      };
      account.akkoma = { instance: null, status_ttl_days: null, permit_followback: false };
    });
    if (kind === 'notifications' || kind === 'notification')
      for (const n of (kind === 'notification' ? [body] : body) as Json[]) {
        delete n.group_key;
        n.pleroma = { is_muted: false, is_seen: false };
      }
    if (kind === 'lists') return (body as Json[]).map((l) => ({ id: l.id, title: l.title }));
    if (kind === 'markers') {
      const markers = body as Json;
      delete markers.home;
      const marker = markers.notifications as Json | undefined;
      if (marker) marker.updated_at = String(marker.updated_at).replace(/\.\d+Z$/, '');
    }
    if (kind === 'tags') for (const tag of body as Json[]) omit(tag, 'id');
    return body;
  },
  unauthorized: { status: 403, body: { error: 'Invalid credentials.' } },
  oauth: { discovery: 'html', pkce: 'ignore' },
  rateLimitHeaders: false,
  limits: { ...MASTODON_LIMITS, perTimeline: { limit: 3, periodMs: 500 } },
  throttled: { error: 'Throttled' },
  notificationTypesParam: 'include_types',
  statusBatchParam: 'ids',
  markerTimelines: ['notifications'],
  asyncRefresh: false,
  streaming: {
    frameStream: (stream, event, viewerId) => {
      if (event === 'delete') return undefined;
      if (stream[0] === 'user')
        return event === 'notification' ? ['user:notification'] : [`user:${viewerId}`];
      return [stream.join(':')];
    },
    token: ['query', 'protocol'],
    subscribable: new Set(['user', 'public', 'public:local']),
    delivers: new Set(['user', 'list', 'hashtag', 'public', 'public:local']),
  },
};
