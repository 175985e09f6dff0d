/**
 * A server shaped after Pleroma 2.7, as its views, router and streaming handler read at
 * git.pleroma.social/pleroma/pleroma develop 639016bdee37e848b0e72eab5726337c66ecf47f (2024-10-11,
 * from the mirror kphrx/pleroma): Akkoma's parent, with the differences below from it.
 */
import { eachStatus, json, omit, type Difference, type Flavour, type Json } from './flavour';
import { akkoma } from './akkoma';

const AT = '(Pleroma @639016bd)';
const VIEWS = 'lib/pleroma/web/mastodon_api/views';
const VERSION = '2.7.2 (compatible; Pleroma 2.7.0)';

const differences: Difference[] = [
  { what: 'ids', how: 'FlakeIds, as Akkoma', source: `lib/pleroma/web/api_spec/schemas/flake_id.ex ${AT}` },
  {
    what: 'version',
    how: `"${VERSION}": claims Mastodon 2.7.2`,
    source: `${VIEWS}/instance_view.ex L11, L98 ${AT}`,
  },
  {
    what: 'GET /api/v2/instance',
    how: 'served, without `api_versions`; streaming at `configuration.urls.streaming`',
    source: `${VIEWS}/instance_view.ex L49-77 ${AT}`,
  },
  {
    what: 'Status.quote',
    how: 'absent: quotes are under `pleroma.quote`, `pleroma.quote_id`, `pleroma.quotes_count`',
    source: `${VIEWS}/status_view.ex L455-467 ${AT}`,
  },
  { what: 'Status.language', how: 'always null', source: `${VIEWS}/status_view.ex L448 ${AT}` },
  { what: 'Status.filtered', how: 'absent: no v2 filters', source: `${VIEWS}/status_view.ex ${AT}` },
  {
    what: 'Status.pleroma',
    how: 'extra object (no `akkoma` object, no top-level `emoji_reactions`)',
    source: `${VIEWS}/status_view.ex L450-470 ${AT}`,
  },
  {
    what: 'Status.visibility',
    how: 'also "local" and "list"',
    source: `lib/pleroma/web/activity_pub/visibility.ex L123-153 ${AT}`,
  },
  {
    what: 'Notification.group_key',
    how: '"ungrouped-<id>"',
    source: `${VIEWS}/notification_view.ex L98 ${AT}`,
  },
  {
    what: 'GET /api/v1/followed_tags',
    how: 'missing: 404 {"error":"Not implemented"}',
    source: `lib/pleroma/web/router.ex L1034 ${AT}`,
  },
  {
    what: 'GET /api/v2/notifications, /api/v2/filters, /api/v1/trends/*',
    how: 'missing: 404 {"error":"Not implemented"}',
    source: `lib/pleroma/web/router.ex L1034 ${AT}`,
  },
  {
    what: 'GET /api/v1/statuses',
    how: 'reads `id[]` (and the older `ids[]`)',
    source: `lib/pleroma/web/api_spec/operations/status_operation.ex L32-44 ${AT}`,
  },
  {
    what: 'List, Markers, sign-in, 403 for a bad token, throttles',
    how: 'as Akkoma',
    source: `see akkoma.ts ${AT}`,
  },
  {
    what: 'streaming',
    how: 'the token only in the query string; frames name streams as Mastodon does; `subscribe` opens lists and hashtags; `delete` has no `stream`',
    source: `lib/pleroma/web/mastodon_api/websocket_handler.ex L24-28, L126-197, ${VIEWS}/streamer_view.ex L181-195 ${AT}`,
  },
];

export const pleroma: Flavour = {
  ...akkoma,
  name: 'pleroma',
  title: 'Pleroma 2.7',
  version: VERSION,
  software: { name: 'pleroma', version: '2.7.0' },
  differences,
  answer(method, path) {
    if (method !== 'GET') return undefined;
    if (path === '/api/v2/instance') return undefined;
    if (path === '/api/v1/followed_tags') return json({ error: 'Not implemented' });
    return akkoma.answer(method, path, {});
  },
  instanceV2: (document) => {
    const v1 = akkoma.instanceV1({ ...document, uri: document.domain, urls: { streaming_api: '' } });
    const configuration = document.configuration as Json;
    return {
      domain: document.domain,
      source_url: 'https://git.pleroma.social/pleroma/pleroma',
      description: document.description,
      usage: { users: { active_month: 1 } },
      thumbnail: { url: `https://${String(document.domain)}/instance/thumbnail.jpeg` },
      configuration: {
        accounts: { max_featured_tags: 0, max_pinned_statuses: 5 },
        statuses: { ...(configuration.statuses as Json), characters_reserved_per_url: 0 },
        urls: { streaming: (configuration.urls as Json).streaming, status: null },
        vapid: { public_key: 'BLH1qVhJItRGCfxgTtONfsOKDc9VRAraXw' },
      },
      registrations: { enabled: false, approval_required: false, message: null, url: null },
      contact: { email: 'admin@example.org', account: null },
      languages: ['en'],
      rules: [],
      title: document.title,
      version: VERSION,
      pleroma: {
        ...(v1.pleroma as Json),
        metadata: {
          ...((v1.pleroma as Json).metadata as Json),
          features: [
            'pleroma_api',
            'mastodon_api',
            'mastodon_api_streaming',
            'polls',
            'editing',
            'pleroma:bookmark_folders',
          ],
        },
      },
    };
  },
  instanceV1: (document) => ({ ...akkoma.instanceV1(document), version: VERSION }),
  shape(kind, body, context) {
    // Akkoma's shapes, then what Pleroma does otherwise.
    const shaped = akkoma.shape(kind, body, context);
    eachStatus(kind, shaped, (status) => {
      const quote = status.quote as Json | null | undefined;
      const extension = status.pleroma as Json | undefined;
      if (extension && status.reblog === null) {
        extension.quote = quote ?? null;
        extension.quote_id = status.quote_id === '_' ? null : (status.quote_id ?? null);
        extension.quote_url = (quote?.url as string | undefined) ?? null;
        extension.quote_visible = quote !== null && quote !== undefined;
        extension.quotes_count = 0;
      }
      omit(status, 'quote', 'quote_id', 'akkoma', 'emoji_reactions');
      status.language = null;
      if (status.in_reply_to_id === '_') {
        status.in_reply_to_id = null;
        status.in_reply_to_account_id = null;
      }
    });
    if (kind === 'notifications' || kind === 'notification')
      for (const n of (kind === 'notification' ? [shaped] : shaped) as Json[])
        n.group_key = `ungrouped-${String(n.id)}`;
    return shaped;
  },
  notificationTypesParam: 'types',
  statusBatchParam: 'id',
  streaming: {
    frameStream: (stream, event) => (event === 'delete' ? undefined : stream),
    token: ['query'],
    subscribable: new Set(['user', 'list', 'hashtag', 'public', 'public:local']),
    delivers: new Set(['user', 'list', 'hashtag', 'public', 'public:local']),
  },
};
