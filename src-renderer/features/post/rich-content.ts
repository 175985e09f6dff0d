/**
 * A post's HTML made safe (sanitize.ts), with its custom emoji as pictures and its mentions and
 * hashtags marked for the app to open itself.
 */
import type { EmojiView, PostView } from '../../../src-shared/worker-api';
import { sanitizeStatusNode } from './sanitize';
import { allowedPicture } from '../../ui/picture-policy';

const SHORTCODE = /:([A-Za-z0-9_]+):/g;

function withEmoji(root: HTMLElement, emojis: EmojiView[], pictures: ReadonlySet<string> | null): void {
  if (emojis.length === 0) return;
  const document = root.ownerDocument;
  const byCode = new Map(emojis.map((e) => [e.shortcode, e]));
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
  for (const text of texts) {
    const value = text.data;
    if (!value.includes(':')) continue;
    const parts = value.split(SHORTCODE);
    if (parts.length === 1) continue;
    const out = document.createDocumentFragment();
    parts.forEach((part, i) => {
      const emoji = i % 2 === 1 ? byCode.get(part) : undefined;
      const src = emoji && allowedPicture(emoji.url, pictures);
      if (i % 2 === 0) out.append(part);
      else if (!src) out.append(`:${part}:`);
      else {
        const img = document.createElement('img');
        img.className = 'emoji';
        img.src = src;
        img.alt = `:${part}:`;
        img.title = `:${part}:`;
        img.draggable = false;
        out.append(img);
      }
    });
    text.replaceWith(out);
  }
}

/**
 * A mention's full handle: servers name people on their own server without a domain ("bob"), and
 * the link shows only the name; the domain is then the one of the profile's address.
 */
export function fullAcct(acct: string, url: string): string | null {
  const name = acct.replace(/^@/, '');
  if (name.includes('@')) return name.toLowerCase();
  try {
    return `${name}@${new URL(url).host}`.toLowerCase();
  } catch {
    return null;
  }
}

/** Marks each mention with the handle it names and each hashtag with its tag, for in-app links. */
function markLinks(root: HTMLElement, mentions: PostView['mentions']): void {
  for (const link of root.querySelectorAll('a')) {
    const href = link.getAttribute('href') ?? '';
    if (link.classList.contains('hashtag')) {
      const tag = (link.textContent ?? '').replace(/^#/, '').trim();
      if (tag) link.setAttribute('data-corgi-tag', tag.toLowerCase());
      continue;
    }
    const mention = mentions.find((m) => m.url === href);
    if (mention || link.classList.contains('mention')) {
      const acct = fullAcct(mention?.acct ?? link.textContent ?? '', href);
      if (acct) link.setAttribute('data-corgi-acct', acct);
    }
  }
}

/**
 * Parsed, made safe and built in a document of its own that loads and runs nothing: the emoji
 * pictures are fetched only once the HTML is on screen (not for a post behind its content warning).
 */
const inert = document.implementation.createHTMLDocument('');

/**
 * HTML from a server (a post, a bio, a profile field) made safe, with its emoji (those `pictures`,
 * the page's picture policy, allows) and in-app links.
 */
export function richHtml(
  html: string,
  emojis: EmojiView[],
  pictures: ReadonlySet<string> | null,
  mentions: PostView['mentions'] = [],
): string {
  // (A holder of a kind a post may hold: the sanitiser refuses to work inside any other.)
  const holder = inert.createElement('span');
  holder.innerHTML = html;
  sanitizeStatusNode(holder);
  withEmoji(holder, emojis, pictures);
  markLinks(holder, mentions);
  return holder.innerHTML;
}

/**
 * Runs the sanitiser once on a post shaped as Mastodon writes them, so that its first real post
 * (on the first page, while the person waits) does not also pay for setting it up.
 */
export function warmUpRichContent(): void {
  richHtml(
    '<p><span class="h-card"><a href="https://example.org/@ana" class="u-url mention">@<span>ana</span></a></span> ' +
      '<a href="https://example.org/tags/x" class="mention hashtag" rel="tag">#<span>x</span></a> ' +
      '<a href="https://example.org/" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span>' +
      '<span class="">example.org</span></a></p><p>:x:<br />text</p>',
    [],
    null,
    [{ acct: 'ana@example.org', url: 'https://example.org/@ana' }],
  );
}

/** The HTML to show for a post's content, its emoji as `pictures` allows. */
export function richContent(post: PostView, pictures: ReadonlySet<string> | null): string {
  return richHtml(post.contentHtml, post.emojis, pictures, post.mentions);
}

/**
 * Opens a mention's profile or a hashtag's timeline in the app, for a click inside HTML made by
 * `richHtml`; false when the click was on something else (a link that opens in the browser).
 */
export function openInApp(target: EventTarget, navigate: (to: string) => void): boolean {
  const link = (target as HTMLElement).closest?.('a');
  const acct = link?.dataset.corgiAcct;
  const tag = link?.dataset.corgiTag;
  if (!acct && !tag) return false;
  navigate(acct ? `/@${acct}` : `/tags/${encodeURIComponent(tag!)}`);
  return true;
}
