import { useState } from 'react';
import type { PostView } from '../../src-shared/worker-api';
import { sanitizeStatusHtml } from '../sanitize';
import { Avatar } from './Avatar';
import { actingAccount, useAppStore } from '../store';
import { FEATURE_LABELS } from './RankingPanel';

/** The three switches on a post, as Mastodon names them and as the card labels them. */
const TOGGLES = [
  { flag: 'favourited', on: 'favourite', off: 'unfavourite', label: 'Favourite', done: 'Favourited' },
  { flag: 'reblogged', on: 'reblog', off: 'unreblog', label: 'Boost', done: 'Boosted' },
  { flag: 'bookmarked', on: 'bookmark', off: 'unbookmark', label: 'Bookmark', done: 'Bookmarked' },
] as const;

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function PostCard({ post }: { post: PostView }) {
  const warning = post.filters.find((f) => f.action === 'warn');
  const blurred = post.filters.some((f) => f.action === 'blur');
  const [revealed, setRevealed] = useState(post.spoilerText === '' && !warning);
  const [mediaShown, setMediaShown] = useState(!blurred);
  const accounts = useAppStore((s) => s.accounts);
  const act = useAppStore((s) => s.act);
  // Which of the person's accounts acts: the default one, unless they pick another that saw it.
  const [chosen, setChosen] = useState<number | null>(null);
  const acting = chosen ?? actingAccount(post, accounts);
  const mine = post.own.find((o) => o.accountId === acting);
  const able = accounts.filter((a) => a.state === 'active' && post.own.some((o) => o.accountId === a.id));
  const [replying, setReplying] = useState(false);
  return (
    <article
      className="post"
      data-post-id={post.id}
      data-post-uri={post.uri}
      aria-label={`Post by ${post.author.displayName || post.author.acct}`}
    >
      {post.ranking && <RankingReason post={post} />}
      {post.boostedBy && (
        <p className="post-boost">Boosted by {post.boostedBy.displayName || post.boostedBy.acct}</p>
      )}
      <header className="post-header">
        <Avatar author={post.author} />
        <div>
          <strong className="post-author">{post.author.displayName || post.author.acct}</strong>
          <span className="post-acct">@{post.author.acct}</span>
        </div>
        <time className="post-time" dateTime={new Date(post.createdAt).toISOString()}>
          {timeFormat.format(post.createdAt)}
          {post.editedAt !== null && ' (edited)'}
        </time>
      </header>
      {warning && (
        <p className="post-warning post-filtered">
          <span>Filtered: {warning.title}</span>{' '}
          <button type="button" onClick={() => setRevealed(!revealed)}>
            {revealed ? 'Hide' : 'Show anyway'}
          </button>
        </p>
      )}
      {!warning && post.spoilerText !== '' && (
        <p className="post-warning">
          <span>{post.spoilerText}</span>{' '}
          <button type="button" onClick={() => setRevealed(!revealed)}>
            {revealed ? 'Hide' : 'Show'}
          </button>
        </p>
      )}
      {revealed && (
        <div
          className="post-content"
          lang={post.language ?? undefined}
          dangerouslySetInnerHTML={{ __html: sanitizeStatusHtml(post.contentHtml) }}
        />
      )}
      {revealed && post.media.length > 0 && !mediaShown && (
        <p className="post-media-hidden">
          Media hidden by a filter{' '}
          <button type="button" onClick={() => setMediaShown(true)}>
            Show media
          </button>
        </p>
      )}
      {revealed && mediaShown && post.media.length > 0 && (
        <ul className="post-media">
          {post.media.map((m, i) => (
            <li key={i}>{m.description ? `${m.type}: ${m.description}` : `${m.type} (no description)`}</li>
          ))}
        </ul>
      )}
      <footer className="post-counts">
        <span>{post.replies} replies</span> <span>{post.reblogs} boosts</span>{' '}
        <span>{post.favourites} favourites</span>
        {post.tags.length > 0 && <span className="post-tags">{post.tags.map((t) => `#${t}`).join(' ')}</span>}
      </footer>
      {mine && (
        <div className="post-actions" role="group" aria-label="Actions">
          {TOGGLES.map(({ flag, on, off, label, done }) => (
            <button
              key={flag}
              type="button"
              aria-pressed={mine[flag]}
              onClick={() => void act(post, mine[flag] ? off : on, mine.accountId)}
            >
              {mine[flag] ? done : label}
            </button>
          ))}
          <button type="button" aria-expanded={replying} onClick={() => setReplying(!replying)}>
            Reply
          </button>
          {able.length > 1 && (
            <select
              aria-label="Act as"
              value={mine.accountId}
              onChange={(e) => setChosen(Number(e.currentTarget.value))}
            >
              {able.map((a) => (
                <option key={a.id} value={a.id}>
                  as @{a.acct}
                </option>
              ))}
            </select>
          )}
        </div>
      )}
      {mine && replying && (
        <ReplyForm post={post} accountId={mine.accountId} onDone={() => setReplying(false)} />
      )}
    </article>
  );
}

/** Why the post is here, in words and numbers, and "more/less like this" on that reason. */
function RankingReason({ post }: { post: PostView }) {
  const ranking = post.ranking!;
  const feedback = useAppStore((s) => s.feedback);
  const done = useAppStore((s) => s.feedbackDone[post.id]);
  const [open, setOpen] = useState(false);
  const contributions = Object.entries(ranking.contributions)
    .filter(([, value]) => value !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return (
    <div className="post-reason">
      <span className="reason-text">{ranking.reason}</span>{' '}
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Why?
      </button>{' '}
      {done ? (
        <span role="status">
          {done === 'more' ? 'You will see more like this.' : 'You will see less like this.'}
        </span>
      ) : (
        <>
          <button type="button" onClick={() => void feedback(post, 'more')}>
            More like this
          </button>{' '}
          <button type="button" onClick={() => void feedback(post, 'less')}>
            Less like this
          </button>
        </>
      )}
      {open && (
        <table className="contributions" aria-label="Score contributions">
          <tbody>
            {contributions.map(([feature, value]) => (
              <tr key={feature}>
                <th scope="row">{FEATURE_LABELS[feature as keyof typeof FEATURE_LABELS]}</th>
                <td>{value > 0 ? `+${value.toFixed(2)}` : value.toFixed(2)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">Score (position {ranking.position})</th>
              <td>{ranking.score.toFixed(2)}</td>
            </tr>
          </tbody>
        </table>
      )}
    </div>
  );
}

const VISIBILITIES = [
  ['public', 'Public'],
  ['unlisted', 'Quiet public'],
  ['private', 'Followers'],
  ['direct', 'Mentioned people only'],
] as const;

function ReplyForm({ post, accountId, onDone }: { post: PostView; accountId: number; onDone: () => void }) {
  const reply = useAppStore((s) => s.reply);
  const [text, setText] = useState(`@${post.author.acct} `);
  const [spoilerText, setSpoilerText] = useState('');
  // The reply reaches no further than the post did: an audience Corgi does not know (a server's
  // own, such as Akkoma's lists) gets followers only.
  const [visibility, setVisibility] = useState<(typeof VISIBILITIES)[number][0]>(
    VISIBILITIES.find(([value]) => value === post.visibility)?.[0] ?? 'private',
  );
  return (
    <form
      className="reply-form"
      aria-label="Reply"
      onSubmit={(e) => {
        e.preventDefault();
        void reply(post, { text, spoilerText, visibility }, accountId).then((queued) => queued && onDone());
      }}
    >
      <textarea
        aria-label="Reply text"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        rows={3}
      />
      <input
        aria-label="Content warning"
        placeholder="Content warning (optional)"
        value={spoilerText}
        onChange={(e) => setSpoilerText(e.currentTarget.value)}
      />
      <select
        aria-label="Visibility"
        value={visibility}
        onChange={(e) => setVisibility(e.currentTarget.value as (typeof VISIBILITIES)[number][0])}
      >
        {VISIBILITIES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <button type="submit" disabled={text.trim() === ''}>
        Send reply
      </button>
    </form>
  );
}
