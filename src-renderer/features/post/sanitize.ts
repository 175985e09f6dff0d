/**
 * Status HTML comes from strangers. Only the markup Mastodon itself produces survives, links open
 * outside the app, and nothing can script, style or load anything.
 */
import DOMPurify from 'dompurify';

const ALLOWED_TAGS = [
  'p',
  'br',
  'a',
  'span',
  'strong',
  'em',
  'b',
  'i',
  'u',
  's',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
];
const ALLOWED_ATTR = ['href', 'class', 'rel', 'target', 'title', 'lang'];
const ALLOWED_URI_REGEXP = /^(?:https?:|mailto:)/i;

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
  if (node.hasAttribute('class')) {
    // Keep only Mastodon's own presentational classes.
    const kept = (node.getAttribute('class') ?? '')
      .split(/\s+/)
      .filter((c) => ['invisible', 'ellipsis', 'mention', 'hashtag', 'h-card', 'u-url'].includes(c));
    if (kept.length > 0) node.setAttribute('class', kept.join(' '));
    else node.removeAttribute('class');
  }
});

const CONFIG = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOWED_URI_REGEXP,
  // A post must not speak to a screen reader in words it does not show, nor carry data for scripts.
  ALLOW_ARIA_ATTR: false,
  ALLOW_DATA_ATTR: false,
};

/**
 * Sanitises what `root` holds where it is (the element itself stays), for HTML already parsed into
 * a document that loads and runs nothing: it is not parsed again, nor a document made for it.
 */
export function sanitizeStatusNode(root: HTMLElement): void {
  DOMPurify.sanitize(root, { ...CONFIG, IN_PLACE: true });
}
