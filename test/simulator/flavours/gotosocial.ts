/**
 * A server shaped after GoToSocial 0.20, as its serialisers and routes read at
 * superseriousbusiness/gotosocial 57cb4fe7482962aa8e5a05874a343474d5a453e7 (2025-10-03); real
 * bodies from its tests are in test/fixtures/gotosocial.
 */
import { eachAccount, eachStatus, json, omit, type Difference, type Flavour, type Json } from './flavour';
import { ulidIds } from './ids';
import { mastodon } from './mastodon';

const AT = '(superseriousbusiness/gotosocial @57cb4fe7)';
const SERIALISER = `internal/typeutils/internaltofrontend.go ${AT}`;

const differences: Difference[] = [
  { what: 'ids', how: 'ULIDs: 26 characters of base32, not numbers', source: `internal/id/ulid.go ${AT}` },
  {
    what: 'version',
    how: '"0.20.0+git-57cb4fe": no Mastodon version, no "compatible" form',
    source: `cmd/gotosocial/main.go L31-113 ${AT}`,
  },
  {
    what: 'GET /api/v2/instance',
    how: 'no `api_versions`; `source_url` on Codeberg',
    source: `${SERIALISER} L1705-1844`,
  },
  { what: 'Status.card', how: 'always null (cards not implemented)', source: `${SERIALISER} L1262` },
  {
    what: 'Status.filtered',
    how: 'left out when nothing matches (`omitempty`)',
    source: `internal/api/model/status.go L118 ${AT}`,
  },
  {
    what: 'Status.quote, Status.quotes_count',
    how: 'absent: no quote posts',
    source: `internal/api/model/status.go ${AT}`,
  },
  { what: 'Status.application', how: 'left out for remote posts', source: `${SERIALISER} L1282-1304` },
  {
    what: 'Status.text, content_type, interaction_policy',
    how: 'extra fields (text on every local post)',
    source: `internal/api/model/status.go L112-120 ${AT}`,
  },
  { what: 'CustomEmoji.category', how: 'left out when empty', source: `internal/api/model/emoji.go ${AT}` },
  { what: 'Account.uri, noindex, indexable', how: 'absent', source: `internal/api/model/account.go ${AT}` },
  {
    what: 'Account.avatar',
    how: '"" where the server has no default avatars',
    source: `internal/typeutils/defaulticons.go L40-123 ${AT}`,
  },
  {
    what: 'Account.hide_collections',
    how: 'left out when false',
    source: `internal/api/model/account.go L117 ${AT}`,
  },
  {
    what: 'Notification.group_key',
    how: 'absent; `status` left out when there is none',
    source: `internal/api/model/notification.go ${AT}`,
  },
  {
    what: 'Filter (v2) statuses',
    how: 'the status id under "phrase", not "status_id"',
    source: `internal/api/model/filterv2.go L107 ${AT}`,
  },
  {
    what: 'GET /api/v2/notifications',
    how: 'missing: 404 {"error":"Not Found"}',
    source: `internal/api/util/errorhandling.go NotFoundHandler ${AT}`,
  },
  {
    what: 'GET /api/v1/statuses?id[]=',
    how: 'missing: 405 "405 method not allowed" (text/plain, gin)',
    source: `internal/api/client/statuses/status.go L87 ${AT}`,
  },
  {
    what: 'GET /api/v1/trends/*',
    how: 'always 200 []',
    source: `internal/api/client/trends/trends.go L45-47 ${AT}`,
  },
  {
    what: 'GET /.well-known/oauth-authorization-server',
    how: 'missing: 404',
    source: `internal/api/wellknown ${AT}`,
  },
  {
    what: 'PKCE',
    how: 'the challenge is dropped at /oauth/authorize; a token request with a verifier is refused ("missing code verifier")',
    source: `internal/api/auth/authorize.go L206-263 ${AT}`,
  },
  {
    what: 'pagination',
    how: 'visibility is checked after the page is read: pages can be short while more follow',
    source: `internal/processing/timeline/home.go ${AT}`,
  },
  {
    what: 'streaming',
    how: 'list frames say ["list:ID"]; hashtag streams accepted but never fed; subscribe messages ignore "hashtag"',
    source: `internal/stream/stream.go L56-93, internal/api/client/streaming/stream.go L319-371 ${AT}`,
  },
  { what: '401', how: '{"error":"Unauthorized: …"}', source: `internal/api/util/auth.go L73-147 ${AT}` },
];

export const gotosocial: Flavour = {
  ...mastodon,
  name: 'gotosocial',
  title: 'GoToSocial 0.20',
  version: '0.20.0+git-57cb4fe',
  software: { name: 'gotosocial', version: '0.20.0+git-57cb4fe' },
  differences,
  ids: ulidIds,
  answer(method, path) {
    if (method === 'GET' && path === '/api/v2/notifications') return json({ error: 'Not Found' });
    if (method === 'GET' && path === '/api/v1/statuses')
      return { status: 405, contentType: 'text/plain', body: '405 method not allowed' };
    if (path === '/.well-known/oauth-authorization-server') return json({ error: 'Not Found' });
    if (method === 'GET' && path.startsWith('/api/v1/trends/'))
      return { status: 200, contentType: 'application/json; charset=utf-8', body: '[]' };
    return undefined;
  },
  instanceV2: (document) => ({
    ...omit({ ...document }, 'api_versions'),
    version: '0.20.0+git-57cb4fe',
    source_url: 'https://codeberg.org/superseriousbusiness/gotosocial',
    account_domain: document.domain,
  }),
  instanceV1: (document) => ({ ...document, version: '0.20.0+git-57cb4fe', account_domain: document.uri }),
  shape(kind, body) {
    eachStatus(kind, body, (status) => {
      omit(status, 'quote', 'quotes_count', 'quote_approval');
      status.card = null;
      if (Array.isArray(status.filtered) && status.filtered.length === 0) delete status.filtered;
      const author = status.account as Json;
      const local = typeof author.acct === 'string' && !author.acct.includes('@');
      if (!local) delete status.application;
      else if (typeof status.content === 'string' && status.content !== '') {
        status.text = status.content.replace(/<[^>]+>/g, '');
        status.content_type = 'text/plain';
      }
      status.interaction_policy = {
        can_favourite: { always: ['public', 'me'], with_approval: [] },
        can_reply: { always: ['public', 'me'], with_approval: [] },
        can_reblog: { always: ['public', 'me'], with_approval: [] },
      };
      for (const emoji of (status.emojis as Json[] | undefined) ?? []) omit(emoji, 'category');
    });
    eachAccount(kind, body, (account) => {
      omit(account, 'uri', 'noindex', 'indexable', 'memorial');
      if (account.hide_collections === false) delete account.hide_collections;
      // The signed-in people of the simulated world have no avatar of their own.
      if (typeof account.avatar === 'string' && account.avatar.endsWith('/missing.png')) {
        account.avatar = '';
        account.avatar_static = '';
      }
      account.group = false;
    });
    if (kind === 'notifications' || kind === 'notification')
      for (const n of (kind === 'notification' ? [body] : body) as Json[]) {
        delete n.group_key;
        if (n.status === null) delete n.status;
      }
    if (kind === 'filters_v2')
      for (const filter of body as Json[])
        filter.statuses = ((filter.statuses as Json[]) ?? []).map((s) => ({ id: s.id, phrase: s.status_id }));
    if (kind === 'tags') for (const tag of body as Json[]) omit(tag, 'id', 'history');
    return body;
  },
  unauthorized: { status: 401, body: { error: 'Unauthorized: token not supplied or invalid' } },
  oauth: { discovery: 'missing', pkce: 'refuse-verifier' },
  throttled: { error: 'rate limit reached' },
  visibilityAfterPaging: true,
  asyncRefresh: false,
  streaming: {
    // One element, the id after a colon: ["list:01H…"]; notifications on "user:notification".
    frameStream: (stream, event) => {
      if (stream[0] === 'list') return [`list:${stream[1]}`];
      if (stream[0] === 'user' && event === 'notification') return ['user:notification'];
      return [stream.join(':')];
    },
    token: ['protocol', 'query', 'header'],
    subscribable: new Set(['user', 'list', 'public', 'public:local']),
    delivers: new Set(['user', 'list', 'public', 'public:local']),
  },
};
