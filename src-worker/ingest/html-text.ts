/**
 * Plain text from Mastodon's status HTML, for search, embeddings and previews. Runs in a Worker,
 * which has no DOMParser, so it uses htmlparser2's streaming tokenizer.
 *
 * Paragraphs and line breaks become newlines; links keep their full text (Mastodon hides the
 * scheme and tail of long URLs in `invisible` spans, which search should still find); the inline
 * fallback of a quote post (`quote-inline`) is dropped because the quote is stored on its own.
 */
import { Parser } from 'htmlparser2';

const BLOCK_TAGS = new Set(['p', 'div', 'blockquote', 'li', 'ul', 'ol', 'pre', 'h1', 'h2', 'h3']);
const SKIPPED_TAGS = new Set(['script', 'style']);

export function htmlToText(html: string): string {
  if (!html.includes('<') && !html.includes('&')) return html.trim();
  let text = '';
  // Depth inside elements whose text is left out; 0 means text is kept.
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (skipDepth > 0) {
          skipDepth++;
          return;
        }
        const classes = attributes.class?.split(/\s+/) ?? [];
        if (SKIPPED_TAGS.has(name) || classes.includes('quote-inline')) {
          skipDepth = 1;
          return;
        }
        if (name === 'br') text += '\n';
        else if (BLOCK_TAGS.has(name) && text.length > 0 && !text.endsWith('\n\n')) {
          text += text.endsWith('\n') ? '\n' : '\n\n';
        }
      },
      ontext(chunk) {
        if (skipDepth === 0) text += chunk;
      },
      onclosetag(name, isImplied) {
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        if (BLOCK_TAGS.has(name) && !isImplied && !text.endsWith('\n')) text += '\n';
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return text
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
