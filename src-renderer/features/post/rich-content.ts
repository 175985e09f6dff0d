/**
 * A post's HTML made safe (sanitize.ts), with its custom emoji as pictures and its mentions and
 * hashtags marked for the app to open itself.
 */
import type { EmojiView, PostView } from '../../../src-shared/worker-api';
import { sanitizeStatusFragment } from './sanitize';

const SHORTCODE = /:([A-Za-z0-9_]+):/g;

function withEmoji(root: DocumentFragment, emojis: EmojiView[]): void {
  if (emojis.length === 0) return;
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
      if (i % 2 === 0) out.append(part);
      else if (!emoji) out.append(`:${part}:`);
      else {
        const img = document.createElement('img');
        img.className = 'emoji';
        img.src = emoji.url;
        img.alt = `:${part}:`;
        img.title = `:${part}:`;
        img.draggable = false;
        out.append(img);
      }
    });
    text.replaceWith(out);
  }
}

/** Marks each mention with the handle it names and each hashtag with its tag, for in-app links. */
function markLinks(root: DocumentFragment, post: PostView): void {
  for (const link of root.querySelectorAll('a')) {
    const href = link.getAttribute('href') ?? '';
    const mention = post.mentions.find((m) => m.url === href);
    if (mention || link.classList.contains('mention')) {
      const acct = mention?.acct ?? link.textContent?.replace(/^@/, '');
      if (acct && !link.classList.contains('hashtag')) link.setAttribute('data-corgi-acct', acct);
    }
    if (link.classList.contains('hashtag') || /^#\w/.test(link.textContent ?? '')) {
      const tag = (link.textContent ?? '').replace(/^#/, '').trim();
      if (tag) link.setAttribute('data-corgi-tag', tag.toLowerCase());
    }
  }
}

/** The HTML to show for a post's content. */
export function richContent(post: PostView): string {
  const fragment = sanitizeStatusFragment(post.contentHtml);
  withEmoji(fragment, post.emojis);
  markLinks(fragment, post);
  const holder = document.createElement('div');
  holder.append(fragment);
  return holder.innerHTML;
}
