/**
 * What a hostile or broken server can send: megabytes in one field, a NUL in the middle of the
 * text, tens of thousands of items in a list. Every stored text has a limit (LIMITS): past it,
 * text is cut and the cut recorded, a link or a URI is dropped or refuses its post; nothing after
 * a NUL is lost; the database stays the size of what is kept.
 */
import { storedTexts } from '../../test/support/stored-texts';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src-shared/mastodon/entities';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import { useTestEngines } from '../../test/support/engine';

type Json = Record<string, unknown>;

const engines = useTestEngines();
const MB = 1024 * 1024;
const status = (extra: Json = {}): Json => ({ ...(readDocsExample('Status.json') as Json), ...extra });
const huge = (n: number, unit = 'a') => unit.repeat(n);

async function setup() {
  const { engine, api, account } = await engines.openWithAccount();
  const ingest = (statuses: unknown[]) =>
    api.ingest.statuses({ accountId: account.id, timeline: 'home', statuses });
  const databaseBytes = async () => (await engine.databaseBytes()).length;
  return { engine, api, account, ingest, databaseBytes };
}

describe('hostile sizes', () => {
  it('cuts a 10 MB content, display name and bio to their limits, records it, and stores the rest', async () => {
    const { engine, api, ingest, databaseBytes } = await setup();
    const base = status();
    const account = base.account as Json;
    const posts = Array.from({ length: 26 }, (_, i) =>
      status({
        id: String(1000 + i),
        uri: `https://evil.example/statuses/${i}`,
        content: `<p>${huge(10 * MB)}</p>`,
        account: {
          ...account,
          id: String(2000 + i),
          acct: `evil${i}@evil.example`,
          display_name: huge(10 * MB, 'n'),
          note: huge(10 * MB, 'b'),
        },
      }),
    );
    const result = await ingest(posts);
    expect(result.rejected).toEqual([]);
    expect(result.inserted).toBe(26);

    const texts = await engine.read((tx) => storedTexts(tx, 'https://evil.example/statuses/0'));
    const row = texts && { content_html: texts.html, content_text: texts.text, raw_json: texts.raw };
    // Cut at the limit, outside any tag, marked with an ellipsis.
    expect(row!.content_html.length).toBeLessThanOrEqual(LIMITS.content + 1);
    expect(row!.content_html.startsWith('<p>aaa')).toBe(true);
    expect(row!.content_html.endsWith('…')).toBe(true);
    const author = await engine.read((tx) =>
      tx.get<{ display_name: string; note_html: string; raw_json: string }>(
        'SELECT display_name, note_html, raw_json FROM authors WHERE acct = ?',
        ['evil0@evil.example'],
      ),
    );
    expect(author!.display_name.length).toBe(LIMITS.name + 1);
    expect(author!.note_html.length).toBe(LIMITS.note + 1);
    expect(author!.raw_json.length).toBeLessThan(100_000);

    const errors = await engine.read((tx) =>
      tx.all<{ remote_id: string; error: string; raw_json: string | null }>(
        "SELECT remote_id, error, raw_json FROM ingest_errors WHERE error LIKE 'Stored with texts cut%' ORDER BY remote_id",
      ),
    );
    expect(errors).toHaveLength(26);
    expect(errors[0]!.error).toBe(
      'Stored with texts cut to their limits: Account.display_name cut from 10,485,760 to 1,000; ' +
        'Account.note cut from 10,485,760 to 50,000; Status.content cut from 10,485,767 to 200,000.',
    );
    expect(errors[0]!.raw_json).toBeNull();
    expect((await api.servers.diagnostics('mastodon.social')).map((d) => [d.field, d.cut])).toEqual([
      ['Account.display_name', 26],
      ['Account.note', 26],
      ['Status.content', 26],
    ]);
    // 26 posts of 30 MB each took 78 MB before; now what is kept.
    expect(await databaseBytes()).toBeLessThan(15 * MB);
  });

  it('refuses a post whose URI is 10 MB, without keeping the megabytes, and stores the rest', async () => {
    const { engine, ingest } = await setup();
    const result = await ingest([
      status({ id: '1', uri: `https://evil.example/${huge(10 * MB)}` }),
      status(),
    ]);
    expect(result.inserted).toBe(1);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.error).toMatch(/^Malformed status: uri: /);
    const kept = await engine.read((tx) =>
      tx.get<{ raw_json: string }>('SELECT raw_json FROM ingest_errors'),
    );
    expect(kept!.raw_json.length).toBeLessThan(100_000);
  });

  it('drops a link too long to be one, and cuts lists past their limit', async () => {
    const { api, ingest } = await setup();
    const base = status();
    const media = (base.media_attachments as Json[])[0]!;
    const result = await ingest([
      status({
        url: `https://evil.example/${huge(MB)}`,
        tags: Array.from({ length: 20_000 }, (_, i) => ({ name: `t${i}`, url: 'https://evil.example/t' })),
        media_attachments: [
          { ...media, description: huge(MB, 'd'), preview_url: `https://evil.example/${huge(MB)}` },
        ],
        emojis: [{ shortcode: huge(5000, 's'), url: 'https://evil.example/e.png' }],
      }),
    ]);
    expect(result.rejected).toEqual([]);
    const [post] = (await api.timeline.page({ order: 'chronological' })).posts;
    expect(post!.url).toBeNull();
    expect(post!.tags).toHaveLength(LIMITS.items);
    expect(post!.media[0]!.description!.length).toBe(LIMITS.description + 1);
    expect(post!.media[0]!.previewUrl).toBeNull();
    const fields = Object.fromEntries(
      (await api.servers.diagnostics('mastodon.social')).map((d) => [d.field, [d.dropped, d.cut]]),
    );
    expect(fields).toMatchObject({
      'Status.url': [1, 0],
      'Status.tags': [0, 1],
      'MediaAttachment.description': [0, 1],
      'MediaAttachment.preview_url': [1, 0],
      'Status.emojis[]': [1, 0],
    });
  });
});

describe('hostile bytes', () => {
  it('keeps the text after a NUL character', async () => {
    const { api, engine, ingest } = await setup();
    await ingest([status({ content: '<p>before\u0000after</p>', spoiler_text: 'warning\u0000more' })]);
    const row = await engine.read(async (tx) => {
      const { uri, spoiler_text } = (await tx.get<{ uri: string; spoiler_text: string }>(
        'SELECT uri, spoiler_text FROM statuses',
      ))!;
      const texts = (await storedTexts(tx, uri))!;
      return { content_html: texts.html, content_text: texts.text, spoiler_text };
    });
    expect(row!.content_html).toBe('<p>before\uFFFDafter</p>');
    expect(row!.content_text).toContain('after');
    expect(row!.spoiler_text).toBe('warning\uFFFDmore');
    expect((await api.search.posts('after')).map((p) => p.spoilerText)).toEqual(['warning\uFFFDmore']);
  });
});
