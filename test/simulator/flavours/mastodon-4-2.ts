/**
 * Mastodon 4.2, still run by many servers: before grouped notifications, quote posts, the OAuth
 * discovery document and PKCE, `api_versions` and fetching several statuses at once (all 4.3 or
 * later, per the Mastodon documentation's version notes).
 */
import { eachStatus, json, omit, type Flavour } from './flavour';
import { mastodon } from './mastodon';

const DOCS =
  'docs.joinmastodon.org (mastodon/documentation, content/en/), version history of each entity and method';

export const mastodon42: Flavour = {
  ...mastodon,
  name: 'mastodon-4.2',
  title: 'Mastodon 4.2',
  version: '4.2.10',
  software: { name: 'mastodon', version: '4.2.10' },
  differences: [
    {
      what: 'GET /api/v2/instance',
      how: 'no `api_versions` (added in 4.3)',
      source: `${DOCS}: methods/instance.md`,
    },
    {
      what: 'GET /api/v2/notifications',
      how: 'missing: 404 (grouped notifications came with 4.3)',
      source: `${DOCS}: methods/grouped_notifications.md`,
    },
    {
      what: 'GET /api/v1/statuses?id[]=',
      how: 'missing: 404 (fetching several statuses came with 4.3)',
      source: `${DOCS}: methods/statuses.md`,
    },
    {
      what: 'GET /.well-known/oauth-authorization-server',
      how: 'missing: 404; PKCE parameters ignored (both 4.3)',
      source: `${DOCS}: methods/oauth.md, spec/oauth.md`,
    },
    {
      what: 'Status.quote, Status.quotes_count',
      how: 'absent (quote posts came with 4.4 and 4.5)',
      source: `${DOCS}: entities/Status.md`,
    },
    { what: 'Notification.group_key', how: 'absent (4.3)', source: `${DOCS}: entities/Notification.md` },
    {
      what: 'home timeline 206',
      how: 'no Mastodon-Async-Refresh header (4.4)',
      source: `${DOCS}: methods/timelines.md`,
    },
  ],
  answer(method, path) {
    if (method === 'GET' && path === '/api/v2/notifications') return json({ error: 'Record not found' });
    if (method === 'GET' && path === '/api/v1/statuses') return json({ error: 'Record not found' });
    if (path === '/.well-known/oauth-authorization-server')
      return {
        status: 404,
        contentType: 'text/html',
        body: "<html><body>The page you are looking for isn't here.</body></html>",
      };
    return undefined;
  },
  instanceV2: (document) => omit({ ...document, version: '4.2.10' }, 'api_versions'),
  instanceV1: (document) => ({ ...document, version: '4.2.10' }),
  shape(kind, body) {
    eachStatus(kind, body, (status) => omit(status, 'quote', 'quotes_count', 'quote_approval'));
    if (kind === 'notifications') for (const n of body as Record<string, unknown>[]) omit(n, 'group_key');
    if (kind === 'notification') omit(body as Record<string, unknown>, 'group_key');
    return body;
  },
  oauth: { discovery: 'missing', pkce: 'ignore' },
  asyncRefresh: false,
};
