/**
 * Current Mastodon (4.5): what the simulator renders, served as it is. The other flavours are
 * written as differences from this one.
 */
import { decimalIds } from './ids';
import type { Flavour } from './flavour';

export const mastodon: Flavour = {
  name: 'mastodon',
  title: 'Mastodon 4.5',
  version: '4.5.0',
  software: { name: 'mastodon', version: '4.5.0' },
  differences: [],
  ids: decimalIds,
  answer: () => undefined,
  visibilityAfterPaging: false,
  instanceV2: (document) => document,
  instanceV1: (document) => document,
  shape: (_kind, body) => body,
  unauthorized: { status: 401, body: { error: 'The access token is invalid' } },
  oauth: { discovery: 'json', pkce: 'enforce' },
  rateLimitHeaders: true,
  throttled: { error: 'Too many requests' },
  notificationTypesParam: 'types',
  statusBatchParam: 'id',
  markerTimelines: ['home', 'notifications'],
  asyncRefresh: true,
  streaming: {
    frameStream: (stream) => stream,
    token: ['protocol', 'query', 'header'],
    subscribable: new Set(['user', 'list', 'hashtag', 'public', 'public:local']),
    delivers: new Set(['user', 'list', 'hashtag', 'public', 'public:local']),
  },
};
