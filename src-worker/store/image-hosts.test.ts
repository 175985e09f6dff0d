import { describe, expect, it } from 'vitest';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import { useTestEngines } from '../../test/support/engine';

type Json = Record<string, unknown>;

const engines = useTestEngines();
const STATUS = readDocsExample('Status.json') as Json;
const ACCOUNT = STATUS.account as Json;
const NOTIFICATION = readDocsExample('Notification.2.json') as Json;

/** A status whose every picture is on a host of its own, and whose other fields name a tracker. */
function pictured(n: number): Json {
  return {
    ...STATUS,
    id: String(300 + n),
    uri: `https://mastodon.social/users/Gargron/statuses/pictured-${n}`,
    content:
      '<p>Look <img src="https://tracker.example/content"> <a href="https://tracker.example/link">here</a></p>',
    spoiler_text: 'https://tracker.example/cw',
    account: {
      ...ACCOUNT,
      avatar: 'https://avatars.example/a.png',
      avatar_static: 'https://tracker.example/static',
      header: 'https://tracker.example/header',
      emojis: [
        {
          shortcode: 'name',
          url: 'https://name-emoji.example/n.png',
          static_url: 'https://name-emoji.example/s.png',
        },
      ],
    },
    media_attachments: [
      {
        id: '1',
        type: 'image',
        url: 'https://media.example/a.jpg',
        preview_url: 'https://previews.example/a.jpg',
        remote_url: 'https://tracker.example/remote',
        description: 'https://tracker.example/alt',
        blurhash: null,
      },
      // Not https, not a host: never a picture.
      { id: '2', type: 'image', url: 'http://plain.example/b.jpg', preview_url: 'javascript:alert(1)' },
    ],
    emojis: [
      { shortcode: 'ok', url: 'https://emoji.example/ok.png', static_url: 'https://emoji.example/ok.png' },
    ],
    card: {
      ...(STATUS.card as Json),
      url: 'https://tracker.example/card',
      image: 'https://cards.example/c.jpg',
    },
    poll: {
      id: '9',
      expires_at: null,
      expired: false,
      multiple: false,
      votes_count: 0,
      voters_count: 0,
      options: [{ title: 'https://tracker.example/option', votes_count: 0 }],
      emojis: [
        {
          shortcode: 'p',
          url: 'https://poll-emoji.example/p.png',
          static_url: 'https://poll-emoji.example/p.png',
        },
      ],
    },
  };
}

describe('picture hosts', () => {
  it("lists the hosts of stored posts' media, emoji, cards and avatars, and nothing their texts name", async () => {
    const { api, account } = await engines.openWithAccount();
    const boost = {
      ...STATUS,
      id: '400',
      uri: 'https://boosts.example/users/b/statuses/1',
      account: {
        ...ACCOUNT,
        id: '77',
        acct: 'b@boosts.example',
        avatar: 'https://booster-avatars.example/b.png',
      },
      reblog: { ...STATUS, account: { ...ACCOUNT, avatar: 'https://reblogged.example/a.png' } },
    };
    const result = await api.ingest.statuses({
      accountId: account.id,
      timeline: 'home',
      statuses: [pictured(1), boost],
    });
    expect(result.rejected).toEqual([]);
    expect(await api.images.hosts()).toEqual([
      'avatars.example',
      'booster-avatars.example',
      'cards.example',
      'emoji.example',
      'media.example',
      'name-emoji.example',
      'poll-emoji.example',
      'previews.example',
      'reblogged.example',
    ]);
  });

  it('adds the avatars of notifications and of the accounts signed in', async () => {
    const { api, account } = await engines.openWithAccount();
    const hostsBefore = await api.images.hosts();
    await api.ingest.notifications(account.id, [
      {
        ...NOTIFICATION,
        id: '1',
        status: null,
        account: { ...(NOTIFICATION.account as Json), avatar: 'https://notifier.example/n.png' },
      },
    ]);
    await api.accounts.upsert({
      instance: 'other.example',
      remoteId: '5',
      acct: 'me',
      displayName: 'Me',
      avatarUrl: 'https://own-avatar.example/me.png',
    });
    const added = (await api.images.hosts()).filter((h) => !hostsBefore.includes(h));
    expect(added).toEqual(['notifier.example', 'own-avatar.example']);
  });

  it('takes host names from the screen, once, and refuses anything else', async () => {
    const { api } = await engines.openWithAccount();
    expect(await api.images.add(['headers.example', 'cdn.example:8443'])).toBe(2);
    expect(await api.images.add(['headers.example'])).toBe(0);
    for (const bad of ['https://x.example/', 'user@x.example', 'x.example/path', '', 'X.Example', 'a b'])
      await expect(api.images.add([bad]), bad).rejects.toThrow(/Not a host name/);
    expect(await api.images.hosts()).toEqual(expect.arrayContaining(['cdn.example:8443', 'headers.example']));
  });
});
