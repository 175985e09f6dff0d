/**
 * Hostile statuses in every text field a post shows (content, names, emoji, cards, polls, media
 * descriptions, content warnings): scripts, event handlers, `javascript:` and `data:` links, SVG and
 * CSS tricks, broken markup. Rendered in the web edition, in every view that shows a post, nothing
 * runs and nothing is fetched from a host other than the posts' own media and emoji hosts; the page's
 * Content-Security-Policy names those hosts alone, and a picture on a host met later waits for the
 * page to load again.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from 'playwright-core';
import { launchBrowser, type Browser } from '../support/browser';
import { servePictures } from '../support/pictures';
import { serveDirectory, type StaticServer } from '../support/static-server';
import { readDocsExample } from '../fixtures/docs-statuses';
import type { TestHooksApi } from '../../src-worker/edge';

type Json = Record<string, unknown>;

declare global {
  var corgi: TestHooksApi;
  var pwned: unknown;
}

const DIST = path.join(import.meta.dirname, '../../dist-web');
/** The only hosts a post's pictures may come from: its media and emoji server. */
const MEDIA = 'files.example';
const TRACKER = 'tracker.example';
/** A media host the page meets after it set its policy. */
const LATER_MEDIA = 'later-media.example';
/** Where the documentation's example account keeps its avatar. */
const AUTHOR_AVATARS = 'files.mastodon.social';

let app: StaticServer;
let browser: Browser;
beforeAll(async () => {
  app = await serveDirectory(DIST);
  browser = await launchBrowser();
  // The posts' pictures load (drawn here), so that one shown stays shown.
  await servePictures(browser.context);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const trap = (n: number) => `window.pwned=${n}`;
const HOSTILE_HTML = [
  `<p>Look<script>${trap(1)}</script>`,
  `<img src="https://${TRACKER}/img" onerror="${trap(2)}">`,
  `<a href="javascript:${trap(3)}">js link</a> <a href="data:text/html,<script>${trap(4)}</script>">data link</a>`,
  `<svg onload="${trap(5)}"><use href="https://${TRACKER}/svg#x"/></svg>`,
  `<style>body{background:url(https://${TRACKER}/css)}</style>`,
  `<iframe src="https://${TRACKER}/frame"></iframe><object data="https://${TRACKER}/object"></object>`,
  `<a href="https://ok.example/" data-corgi-acct="admin" aria-label="a lie" style="position:fixed;inset:0">a link</a>`,
  `<form action="https://${TRACKER}/form"><button>Send</button></form>`,
  `<p><b>unclosed <i>markup</p></div></span>`,
].join('');

function hostileStatus(n: number): Json {
  const base = readDocsExample('Status.json') as Json;
  const account = base.account as Json;
  return {
    ...base,
    id: String(5000 + n),
    uri: `https://evil.example/statuses/${n}`,
    url: `javascript:${trap(6)}`,
    created_at: new Date(Date.UTC(2026, 11, 1, 12, n)).toISOString(),
    content: `${HOSTILE_HTML} :evil: :ok:`,
    spoiler_text: n === 1 ? `<img src="https://${TRACKER}/cw" onerror="${trap(7)}">` : '',
    sensitive: n === 1,
    account: {
      ...account,
      id: String(6000 + n),
      username: `evil${n}`,
      acct: `evil${n}@evil.example`,
      display_name: `<script>${trap(8)}</script><img src=https://${TRACKER}/name> :evil:`,
      avatar: `javascript:${trap(9)}`,
      avatar_static: `https://${TRACKER}/avatar-static`,
      emojis: [{ shortcode: 'evil', url: `javascript:${trap(10)}`, static_url: `javascript:${trap(10)}` }],
    },
    emojis: [
      { shortcode: 'evil', url: `https://${MEDIA}/emoji" onerror="${trap(11)}`, static_url: 'x' },
      { shortcode: 'ok', url: `https://${MEDIA}/ok.png`, static_url: `https://${MEDIA}/ok.png` },
      { shortcode: '"><img src=x onerror=alert(1)>', url: `https://${MEDIA}/x.png`, static_url: 'x' },
    ],
    media_attachments: [
      {
        id: `7${n}`,
        type: 'image',
        url: `javascript:${trap(12)}`,
        preview_url: `data:image/svg+xml,<svg onload="${trap(13)}"/>`,
        description: `<script>${trap(14)}</script>`,
        blurhash: '"><script>',
      },
      {
        id: `8${n}`,
        type: 'image',
        url: `https://${MEDIA}/a.jpg`,
        preview_url: `https://${MEDIA}/a-small.jpg`,
        description: `<img src=https://${TRACKER}/alt onerror=${trap(15)}>`,
      },
    ],
    card: {
      url: `javascript:${trap(16)}`,
      title: `<script>${trap(17)}</script>`,
      description: '<b>bold</b>',
      type: 'link',
      image: `http://${TRACKER}/card.png`,
      provider_name: '<img src=x>',
    },
    poll: {
      id: `9${n}`,
      expires_at: null,
      expired: false,
      multiple: false,
      votes_count: 1,
      voters_count: 1,
      options: [{ title: `<img src=https://${TRACKER}/poll onerror=${trap(18)}> :evil:`, votes_count: 1 }],
      emojis: [{ shortcode: 'evil', url: `https://${MEDIA}/poll-emoji"><img src=x>`, static_url: 'x' }],
    },
    tags: [{ name: 'evil"><script>', url: `javascript:${trap(19)}` }],
    mentions: [{ id: '1', username: 'x', acct: 'x@evil.example', url: `javascript:${trap(20)}` }],
  };
}

describe('hostile statuses', () => {
  it('render inert in the timeline, search, a thread and a profile, and fetch nothing from elsewhere', async () => {
    const page = await browser.context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // What the page asked the network for: the requests its policy refused never left it (the
    // browser reports them as requests that failed, blocked by "csp").
    const requests = new Set<Request>();
    const hosts = {
      has: (host: string) => [...requests].some((r) => new URL(r.url()).host === host),
      [Symbol.iterator]: () => new Set([...requests].map((r) => new URL(r.url()).host)).values(),
    };
    page.on('request', (request) => {
      if (request.url().startsWith('http')) requests.add(request);
    });
    page.on('requestfailed', (request) => {
      if (request.failure()?.errorText === 'csp') requests.delete(request);
    });
    await page.goto(app.url);
    await page.getByText(/^\d+ posts? stored$/).waitFor();
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const scriptSrc = csp!.split(';').find((d) => d.trim().startsWith('script-src'))!;
    expect(scriptSrc).toContain("'self'");
    expect(scriptSrc).not.toContain('unsafe-inline');
    for (const directive of ["object-src 'none'", "base-uri 'none'", "form-action 'none'"])
      expect(csp).toContain(directive);

    const statuses = [hostileStatus(1), hostileStatus(2)];
    const result = await page.evaluate(async (statuses) => {
      const account = await corgi.testing.accounts.upsert({
        instance: 'mastodon.social',
        remoteId: '1',
        acct: 'reader',
        displayName: 'Reader',
      });
      return corgi.testing.ingest.statuses({ accountId: account.id, timeline: 'home', statuses });
    }, statuses);
    expect(result.rejected).toEqual([]);

    await page.getByRole('button', { name: 'Refresh' }).click();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByRole('article').nth(1).waitFor();
    // Everything hidden is shown: the content warning and the sensitive media.
    for (const button of await timeline.getByRole('button', { name: 'Show' }).all()) await button.click();
    for (const button of await timeline.getByRole('button', { name: /Sensitive media/ }).all())
      await button.click();
    for (const button of await timeline.getByRole('button', { name: /^ALT: show/ }).all())
      await button.click();

    const views: [string, () => Promise<void>][] = [
      ['timeline', async () => undefined],
      [
        'search',
        async () => {
          await page.getByRole('searchbox', { name: 'Search posts' }).fill('Look');
          await page
            .getByRole('region', { name: 'Results on this computer' })
            .getByRole('article')
            .first()
            .waitFor();
        },
      ],
      [
        'thread',
        async () => {
          const id = await page.locator('article').first().getAttribute('data-post-id');
          await page.evaluate((id) => (location.hash = `#/thread/${id}`), id);
          await page.getByRole('region', { name: 'Thread' }).getByRole('article').first().waitFor();
        },
      ],
      [
        'profile',
        async () => {
          await page.evaluate(() => (location.hash = '#/@evil1@evil.example'));
          await page.locator('main .post-list article').first().waitFor();
        },
      ],
    ];
    for (const [name, open] of views) {
      await open();
      await page.waitForTimeout(500);
      const found = await page.evaluate(() => {
        const posts = [...document.querySelectorAll('article.post')];
        const attributes = posts.flatMap((post) =>
          [post, ...post.querySelectorAll('*')].flatMap((el) =>
            [...el.attributes].map((a) => `${el.tagName.toLowerCase()} ${a.name}=${a.value}`),
          ),
        );
        return {
          pwned: globalThis.pwned,
          scripts: posts.reduce(
            // (The app's own icons are SVG, and its poll and reply are forms; a post's text may hold none.)
            (n, p) =>
              n +
              p.querySelectorAll(
                'script, iframe, object, embed, style, .post-content :is(svg, form), .quoted-content :is(svg, form)',
              ).length,
            0,
          ),
          // An attribute named on…, not a value that mentions one (an alt text quoting markup).
          handlers: attributes.filter((a) => /^[a-z0-9-]+ on[a-z]+=/.test(a)),
          badLinks: attributes.filter((a) =>
            /^(a|img|video|audio) (href|src|poster)=(?!https:\/\/|#\/|blob:)/.test(a),
          ),
          lies: attributes.filter((a) => / (aria-label=a lie|style=position|data-x)/.test(a)),
          fakeMention: posts.some((p) => p.querySelector('.post-content a[data-corgi-acct="admin"]')),
          texts: posts.map((p) => p.textContent ?? '').join(' '),
        };
      });
      expect(found.pwned, name).toBeUndefined();
      expect(found.scripts, name).toBe(0);
      expect(found.handlers, name).toEqual([]);
      expect(found.badLinks, name).toEqual([]);
      expect(found.lies, name).toEqual([]);
      expect(found.fakeMention, name).toBe(false);
      // Hostile text is shown as text, never as markup.
      if (name === 'timeline') expect(found.texts).toContain('<script>window.pwned=8</script>');
    }
    expect(dialogs).toEqual([]);
    expect([...hosts].filter((host) => host !== new URL(app.url).host && host !== MEDIA)).toEqual([]);

    // The page's policy names the one host the posts' pictures come from…
    const policies = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .evaluateAll((metas) => metas.map((m) => m.getAttribute('content')));
    expect(policies.at(-1)).toBe(
      `img-src 'self' blob: https://${MEDIA}; media-src 'self' blob: https://${MEDIA}`,
    );
    // …so a picture from anywhere else is refused by the page itself, whatever put it there.
    const refused = await page.evaluate(async (tracker) => {
      const violation = new Promise<string>((resolve) =>
        document.addEventListener(
          'securitypolicyviolation',
          (e) => resolve(`${e.effectiveDirective} ${e.blockedURI}`),
          {
            once: true,
          },
        ),
      );
      const img = document.createElement('img');
      img.src = `https://${tracker}/injected.png`;
      document.body.append(img);
      return violation;
    }, TRACKER);
    expect(refused).toBe(`img-src https://${TRACKER}/injected.png`);

    // A post whose pictures are on a host met after the policy was set: they are held back, said
    // so, and shown once the page loads again.
    await page.evaluate(() => (location.hash = '#/'));
    const base = readDocsExample('Status.json') as Json;
    const pictured = {
      ...base,
      id: '5100',
      uri: 'https://later.example/statuses/1',
      created_at: new Date(Date.UTC(2026, 11, 1, 13)).toISOString(),
      content: '<p>Pictures from elsewhere</p>',
      account: { ...(base.account as Json), id: '6100', acct: 'later@later.example', username: 'later' },
      media_attachments: [
        {
          id: '9100',
          type: 'image',
          url: `https://${LATER_MEDIA}/photo.jpg`,
          preview_url: `https://${LATER_MEDIA}/photo-small.jpg`,
          description: 'A photo from a server met later',
          blurhash: null,
        },
      ],
    };
    await page.evaluate(async (status) => {
      const [account] = await corgi.accounts.list();
      await corgi.testing.ingest.statuses({ accountId: account!.id, timeline: 'home', statuses: [status] });
    }, pictured);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const later = timeline.getByRole('article').filter({ hasText: 'Pictures from elsewhere' });
    await later.waitFor();
    const banner = page.getByRole('status', { name: 'Pictures' });
    await expect.poll(() => banner.textContent()).toContain(LATER_MEDIA);
    expect(await later.locator('img[src*="photo"]').count()).toBe(0);
    expect(hosts.has(LATER_MEDIA)).toBe(false);

    await banner.getByRole('button', { name: 'Show them' }).click();
    await later.locator(`img[src="https://${LATER_MEDIA}/photo-small.jpg"]`).waitFor({ state: 'attached' });
    await expect.poll(() => hosts.has(LATER_MEDIA)).toBe(true);
    expect(await banner.count()).toBe(0);
    expect(
      [...hosts].filter(
        (host) => ![new URL(app.url).host, MEDIA, LATER_MEDIA, AUTHOR_AVATARS].includes(host),
      ),
    ).toEqual([]);
    await page.close();
  });
});
