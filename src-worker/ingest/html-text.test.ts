import { describe, expect, it } from 'vitest';
import { readDocsExample } from '../../test/fixtures/docs-statuses';
import { htmlToText } from './html-text';

describe('htmlToText', () => {
  it('separates paragraphs with a blank line', () => {
    expect(htmlToText('<p>First paragraph.</p><p>Second paragraph.</p><p>Third.</p>')).toBe(
      'First paragraph.\n\nSecond paragraph.\n\nThird.',
    );
  });

  it('turns <br> into a single newline', () => {
    expect(htmlToText('<p>line one<br>line two<br />line three</p>')).toBe('line one\nline two\nline three');
  });

  it('keeps a paragraph break after a trailing <br>', () => {
    expect(htmlToText('<p>ends with a break<br></p><p>next</p>')).toBe('ends with a break\n\nnext');
  });

  it('decodes named and numeric entities', () => {
    expect(
      htmlToText('<p>&quot;quoted&quot; &amp; &lt;tag&gt; &#39;apos&#39; caf&eacute; &#x1F415;</p>'),
    ).toBe('"quoted" & <tag> \'apos\' café 🐕');
  });

  it('decodes entities in text that has no tags', () => {
    expect(htmlToText('fish &amp; chips')).toBe('fish & chips');
    expect(htmlToText('  just text  ')).toBe('just text');
  });

  it('gives the full URL of links whose scheme and tail Mastodon hides', () => {
    const html =
      '<p><a href="https://example.org/a/very/long/path" rel="nofollow noopener" target="_blank">' +
      '<span class="invisible">https://</span><span class="ellipsis">example.org/a/very</span>' +
      '<span class="invisible">/long/path</span></a> after</p>';
    expect(htmlToText(html)).toBe('https://example.org/a/very/long/path after');
  });

  it('reads the documentation example status as plain text with its full link', () => {
    const status = readDocsExample('Status.json') as { content: string };
    expect(htmlToText(status.content)).toBe(
      '"I lost my inheritance with one wrong digit on my sort code"\n\n' +
        'https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code',
    );
  });

  it('keeps mentions and hashtags as written', () => {
    const status = readDocsExample('Status.streaming-update-event.json') as { content: string };
    expect(htmlToText(status.content)).toBe('@disarray glad i was able to help');
    expect(
      htmlToText(
        '<p>Look <a href="https://x.y/tags/corgi" class="mention hashtag" rel="tag">#<span>corgi</span></a></p>',
      ),
    ).toBe('Look #corgi');
  });

  it('drops the inline fallback of a quote post, including nested and void elements', () => {
    const html =
      '<p class="quote-inline">RE: <a href="https://mastodon.social/@Gargron/1"><span class="invisible">https://</span>' +
      'mastodon.social/@Gargron/1</a><br>more fallback</p><p>My own take.</p>';
    expect(htmlToText(html)).toBe('My own take.');
  });

  it('drops quote-inline when it is one of several classes', () => {
    expect(htmlToText('<p>Before</p><span class="fallback quote-inline">hidden</span><p>After</p>')).toBe(
      'Before\n\nAfter',
    );
  });

  it('leaves out scripts and styles', () => {
    expect(htmlToText('<p>shown</p><script>alert("no")</script><style>p { color: red }</style>')).toBe(
      'shown',
    );
  });

  it('separates list items and block quotes from the text around them', () => {
    expect(htmlToText('<p>Intro</p><ul><li>one</li><li>two</li></ul><blockquote>cited</blockquote>')).toBe(
      'Intro\n\none\n\ntwo\n\ncited',
    );
  });
});
