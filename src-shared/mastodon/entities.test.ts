/**
 * Contract test: the schemas Corgi parses Mastodon with, against every example body in the
 * Mastodon documentation (test/fixtures/mastodon-docs, sources in SOURCE.md there). The simulator
 * serves through the same schemas, so a schema that drifts from Mastodon fails here first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DOCS_DIR, readDocsExample } from '../../test/fixtures/docs-statuses';
import * as m from './entities';

/** Examples whose docs block elided fields: they may only fail on fields that are absent. */
const INCOMPLETE = new Set([
  'CredentialAccount.json',
  'Notification.1.json',
  'Notification.2.json',
  'Context.json',
  'Application.verify_credentials-response.json',
  'GroupedNotificationsResults.v2-notifications-response.json',
  'Notifications.v1-list-response.json',
]);

const CONTRACT: Record<string, z.ZodType | { unused: string }> = {
  'Status.json': m.statusSchema,
  'Status.streaming-update-event.json': m.statusSchema,
  'Status.streaming-status.update-event.json': m.statusSchema,
  'Account.json': m.accountSchema,
  'CredentialAccount.json': m.credentialAccountSchema,
  'PartialAccountWithAvatar.json': { unused: 'Corgi asks for full accounts in grouped notifications' },
  'Notification.1.json': m.notificationSchema,
  'Notification.2.json': m.notificationSchema,
  'Notification.streaming-event-full.json': m.notificationSchema,
  'Notifications.v1-list-response.json': z.array(m.notificationSchema),
  'GroupedNotificationsResults.v2-notifications-response.json': m.groupedNotificationsSchema,
  'Tag.1.json': m.tagSchema,
  'Tag.2.json': m.tagSchema,
  'MediaAttachment.1.json': m.mediaAttachmentSchema,
  'MediaAttachment.2.json': m.mediaAttachmentSchema,
  'MediaAttachment.3.json': m.mediaAttachmentSchema,
  'MediaAttachment.4.json': m.mediaAttachmentSchema,
  'PreviewCard.1.json': m.previewCardSchema,
  'PreviewCard.2.json': m.previewCardSchema,
  'PreviewCard.3.json': m.previewCardSchema,
  'PreviewCard.4.json': m.trendsLinkSchema,
  'Poll.json': m.pollSchema,
  'Relationship.json': m.relationshipSchema,
  'Application.json': m.applicationSchema,
  'Application.verify_credentials-response.json': m.applicationSchema,
  'CredentialApplication.create-response.json': m.credentialApplicationSchema,
  'CredentialApplication.create-response.multi-redirect.json': m.credentialApplicationSchema,
  'Token.json': m.tokenSchema,
  'Token.oauth-token-response.json': m.tokenSchema,
  'oauth-authorization-server.well-known.json': m.authServerMetadataSchema,
  'oauth-userinfo-response.json': { unused: 'Corgi reads the account from verify_credentials' },
  'Quote.json': m.quoteSchema,
  'ShallowQuote.json': m.quoteSchema,
  'QuoteApproval.json': { unused: 'Corgi does not author quote posts' },
  'FilterResult.json': m.filterResultSchema,
  'Filter.json': m.filterSchema,
  'Marker.json': m.markerSchema,
  'Markers.get-response.json': m.markersSchema,
  'Context.json': m.contextSchema,
  'streaming-websocket-envelope.update.json': m.streamingEnvelopeSchema,
};

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

describe('Mastodon schemas against the documentation examples', () => {
  const files = fs.readdirSync(DOCS_DIR).filter((f) => f.endsWith('.json'));

  it('cover every example body in the fixtures', () => {
    expect(files.filter((f) => !(f in CONTRACT))).toEqual([]);
    expect(Object.keys(CONTRACT).filter((f) => !files.includes(f))).toEqual([]);
  });

  for (const file of files.sort()) {
    const schema = CONTRACT[file];
    if (!schema || 'unused' in schema) continue;
    if (INCOMPLETE.has(file)) {
      it(`${file} fails only on the fields its docs block left out`, () => {
        const body = readDocsExample(file);
        const result = schema.safeParse(body);
        const wrong = (result.error?.issues ?? []).filter((i) => valueAt(body, i.path) !== undefined);
        expect(wrong).toEqual([]);
      });
    } else {
      it(`${file} parses`, () => {
        const result = schema.safeParse(readDocsExample(file));
        expect(result.error?.issues ?? []).toEqual([]);
      });
    }
  }

  it('a streamed status is JSON inside the JSON frame, and parses as a status', () => {
    const frame = m.streamingEnvelopeSchema.parse(
      readDocsExample('streaming-websocket-envelope.update.json'),
    );
    expect(frame.event).toBe('update');
    const status = m.statusSchema.parse(JSON.parse(String(frame.payload)));
    expect(status.account.acct).toBe('tobtobxx@fosstodon.org');
  });

  it('the complete statuses inside the examples parse as statuses', () => {
    const quote = m.quoteSchema.parse(readDocsExample('Quote.json'));
    expect(m.statusSchema.safeParse(quote.quoted_status).success).toBe(true);
    const notification = m.notificationSchema.parse(
      readDocsExample('Notification.streaming-event-full.json'),
    );
    expect(notification.status?.id).toBeTruthy();
  });

  it('refuses what Corgi cannot use, saying which field is wrong', () => {
    const token = { ...(readDocsExample('Token.json') as object), access_token: '' };
    expect(m.tokenSchema.safeParse(token).error?.issues[0]?.path).toEqual(['access_token']);
    const app = { ...(readDocsExample('CredentialApplication.create-response.json') as object) };
    delete (app as Record<string, unknown>).client_secret;
    expect(m.credentialApplicationSchema.safeParse(app).error?.issues[0]?.path).toEqual(['client_secret']);
    const marker = { ...(readDocsExample('Marker.json') as object), last_read_id: null };
    expect(m.markerSchema.safeParse(marker).error?.issues[0]?.path).toEqual(['last_read_id']);
  });

  it('accepts a grouped notification whose newest id came as a number, as a string', () => {
    const body = readDocsExample('GroupedNotificationsResults.v2-notifications-response.json') as {
      notification_groups: unknown[];
    };
    const group = m.notificationGroupSchema.parse(body.notification_groups[0]);
    expect(typeof group.most_recent_notification_id).toBe('string');
  });
});

/** Bodies from other servers' own tests and documentation (their SOURCE.md says where). */
const OTHER_SERVERS: Record<string, z.ZodType> = {
  'gotosocial/Status.public-with-media.json': m.statusSchema,
  'gotosocial/Status.remote-reply-unknown-attachments.json': m.statusSchema,
  'gotosocial/Status.private-partial-interactions.json': m.statusSchema,
  'gotosocial/Account.json': m.accountSchema,
  'gotosocial/CredentialAccount.json': m.credentialAccountSchema,
  'gotosocial/Instance.v1.json': m.instanceSchema,
  'gotosocial/Instance.v2.json': m.instanceSchema,
  'gotosocial/Notification.follow.json': m.notificationSchema,
  'gotosocial/Relationship.json': m.relationshipSchema,
  'akkoma/Status.json': m.statusSchema,
  'akkoma/CredentialAccount.json': m.credentialAccountSchema,
  'akkoma/pleroma-CredentialAccount.json': m.credentialAccountSchema,
  'akkoma/Instance.v1.json': m.instanceSchema,
  'akkoma/Notification.json': m.notificationSchema,
  'akkoma/Relationship.json': m.relationshipSchema,
  'akkoma/Markers.json': m.markersSchema,
};

describe('other servers’ bodies', () => {
  const root = path.join(DOCS_DIR, '..');
  it('cover every body in their fixtures', () => {
    const files = ['gotosocial', 'akkoma'].flatMap((dir) =>
      fs
        .readdirSync(path.join(root, dir))
        .filter((f) => f.endsWith('.json'))
        .map((f) => `${dir}/${f}`),
    );
    expect(files.sort()).toEqual(Object.keys(OTHER_SERVERS).sort());
  });

  for (const [file, schema] of Object.entries(OTHER_SERVERS)) {
    it(`${file} parses, with nothing left out`, () => {
      const result = m.parseLeniently(schema, JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')));
      expect(result.error?.issues ?? []).toEqual([]);
      expect([...result.dropped.keys()]).toEqual([]);
    });
  }

  it('reads the forms other servers send: dates without a time zone, Akkoma quotes', () => {
    const markers = m.markersSchema.parse(
      JSON.parse(fs.readFileSync(path.join(root, 'akkoma/Markers.json'), 'utf8')),
    );
    expect(markers.notifications?.last_read_id).toBeTruthy();
    const status = JSON.parse(fs.readFileSync(path.join(root, 'akkoma/Status.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const quoting = m.statusSchema.parse({ ...status, id: 'q1', uri: 'https://x.example/q1', quote: status });
    expect(quoting.quote?.state).toBe('accepted');
    expect(quoting.quote?.quoted_status?.uri).toBe(status.uri);
  });
});

describe('values Mastodon does not have', () => {
  it('are kept as "unknown", not refused and not counted as wrong', () => {
    const status = readDocsExample('Status.json') as Record<string, unknown>;
    const media = (status.media_attachments as Record<string, unknown>[])[0];
    const parsed = m.parseLeniently(m.statusSchema, {
      ...status,
      visibility: 'mutuals_only',
      media_attachments: [{ ...media, type: 'flash' }],
    });
    expect(parsed.data?.visibility).toBe('unknown');
    expect(parsed.data?.media_attachments[0]?.type).toBe('unknown');
    expect([...parsed.dropped.keys()]).toEqual([]);
    // Pleroma's "local" (this server only) is known.
    expect(m.statusSchema.parse({ ...status, visibility: 'local' }).visibility).toBe('local');
    const notification = m.notificationSchema.parse({
      ...(readDocsExample('Notification.streaming-event-full.json') as object),
      type: 'pleroma:emoji_reaction',
    });
    expect(notification.type).toBe('unknown');
  });
});
