import { memo, useMemo, useState, type MouseEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { MoreHorizontal } from 'lucide-react';
import type { PostView } from '../../../src-shared/worker-api';
import { Avatar } from '../../ui/Avatar';
import { EmojiText } from '../../ui/EmojiText';
import { Menu } from '../../ui/Menu';
import { usePicturePolicy } from '../../ui/picture-policy';
import { RelativeTime } from '../../ui/RelativeTime';
import { accountsQuery } from '../accounts/queries';
import { actingAccount } from './acting-account';
import { POST_ACTIONS, type PostActionContext } from './actions';
import { usePost } from './queries';
import { RankingReason } from './RankingReason';
import { ReplyForm } from './ReplyForm';
import { LinkCard } from './LinkCard';
import { MediaGrid } from './MediaGrid';
import { Poll } from './Poll';
import { QuotedPost } from './QuotedPost';
import { openInApp, richContent } from './rich-content';
import { recordOpen } from './commands';

/**
 * One post: who wrote it (and who boosted it), why it is here, its text behind any content warning,
 * its media, and what the person can do with it. `served` is the post as a page brought it; what
 * changed since is read through the cache.
 */
export const PostCard = memo(function PostCard({ served }: { served: PostView }) {
  const post = usePost(served);
  const warning = post.filters.find((f) => f.action === 'warn');
  const blurred = post.filters.some((f) => f.action === 'blur');
  const hasHidden = post.spoilerText !== '' || warning !== undefined;
  const [revealed, setRevealed] = useState(!hasHidden);
  const [mediaShown, setMediaShown] = useState(!blurred);
  const accounts = useQuery(accountsQuery).data ?? [];
  // Which of the person's accounts acts: the default one, unless they pick another that saw it.
  const [chosen, setChosen] = useState<number | null>(null);
  const acting = chosen ?? actingAccount(post, accounts);
  const own = post.own.find((o) => o.accountId === acting) ?? null;
  const able = accounts.filter((a) => a.state === 'active' && post.own.some((o) => o.accountId === a.id));
  const [replying, setReplying] = useState(false);
  const [, navigate] = useLocation();
  // (Drawn again once the page's picture policy is set, for the emoji it allows.)
  const pictures = usePicturePolicy();
  const html = useMemo(() => richContent(post, pictures), [post, pictures]);
  const name = post.author.displayName || post.author.acct;
  const openThread = () => {
    recordOpen(post);
    navigate(`/thread/${post.id}`);
  };
  // Mentions and hashtags open in the app; other links in the browser, and count as opening the post.
  const followLink = (event: MouseEvent<HTMLElement>) => {
    if (openInApp(event.target, navigate)) event.preventDefault();
    else if ((event.target as HTMLElement).closest('a')) recordOpen(post);
  };
  const context: PostActionContext = {
    post,
    own,
    author: accounts.find((a) => a.acct === post.author.acct && a.state === 'active')?.id ?? null,
    card: {
      toggleReply: () => setReplying(!replying),
      toggleHidden: () => setRevealed(!revealed),
      hasHidden,
      openThread,
    },
  };
  return (
    <article
      className="post"
      tabIndex={-1}
      data-post-id={post.id}
      data-post-uri={post.uri}
      aria-label={`${name}, ${post.spoilerText ? `content warning: ${post.spoilerText}` : post.contentText.slice(0, 80)}`}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey) return;
        const action = POST_ACTIONS.find((a) => a.key === event.key);
        if (!action || !action.enabled(context)) return;
        event.preventDefault();
        void action.perform(context);
      }}
    >
      {post.ranking && <RankingReason post={post} />}
      {post.boostedBy && (
        <p className="post-boost">
          Boosted by{' '}
          <EmojiText
            text={post.boostedBy.displayName || post.boostedBy.acct}
            emojis={post.boostedBy.emojis}
          />
        </p>
      )}
      <header className="post-header">
        <Avatar author={post.author} />
        <a className="post-names" href={`#/@${post.author.acct}`}>
          <strong className="post-author">
            <EmojiText text={name} emojis={post.author.emojis} />
          </strong>
          <span className="post-acct">@{post.author.acct}</span>
        </a>
        <span className="post-when">
          <a href={`#/thread/${post.id}`} className="post-permalink" onClick={() => recordOpen(post)}>
            <RelativeTime at={post.createdAt} className="post-time" />
          </a>
          {post.editedAt !== null && <span className="post-edited">Edited</span>}
        </span>
      </header>
      {post.deleted && <p className="post-deleted">This post was deleted.</p>}
      {post.inReplyTo && (
        <p className="post-reply-to">
          {post.inReplyTo.statusId !== null ? (
            <a href={`#/thread/${post.inReplyTo.statusId}`}>
              Replying to {post.inReplyTo.acct ? `@${post.inReplyTo.acct}` : 'a post'}
            </a>
          ) : (
            <>Replying to {post.inReplyTo.acct ? `@${post.inReplyTo.acct}` : 'a post'}</>
          )}
        </p>
      )}
      {hasHidden && (
        <p className={warning ? 'post-warning post-filtered' : 'post-warning'}>
          <span>
            {warning ? (
              `Filtered: ${warning.title}`
            ) : (
              <EmojiText text={post.spoilerText} emojis={post.emojis} />
            )}
          </span>{' '}
          <button type="button" aria-expanded={revealed} onClick={() => setRevealed(!revealed)}>
            {revealed ? 'Hide' : warning ? 'Show anyway' : 'Show'}
          </button>
        </p>
      )}
      {revealed && (
        // Clicks on the links inside are handled here (the links are in HTML the app does not build).
        <div
          className="post-content"
          lang={post.language ?? undefined}
          onClick={followLink}
          dangerouslySetInnerHTML={{ __html: html }}
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
        <MediaGrid media={post.media} sensitive={post.sensitive} />
      )}
      {revealed && post.poll && <Poll post={post} poll={post.poll} accountId={own?.accountId ?? null} />}
      {revealed && post.card && post.media.length === 0 && <LinkCard card={post.card} />}
      {post.quoteId !== null && <QuotedPost id={post.quoteId} />}
      <footer className="post-actions" role="group" aria-label="Actions">
        {POST_ACTIONS.filter((a) => a.place === 'bar').map((action) => {
          const active = action.active?.(context) ?? false;
          const label = active && action.activeLabel ? action.activeLabel : action.label;
          const Icon = action.icon;
          const count = action.count?.(post);
          // The count is beside the button, not in it: the button's name is what it does.
          return (
            <span key={action.id} className={`action action-${action.id}`}>
              <button
                type="button"
                className="icon-button"
                aria-label={label}
                title={action.key ? `${label} (${action.key})` : label}
                aria-pressed={action.activeLabel ? active : undefined}
                aria-expanded={action.id === 'reply' ? replying : undefined}
                disabled={!action.enabled(context)}
                onClick={() => void action.perform(context)}
              >
                <Icon aria-hidden="true" size={18} />
              </button>
              {count !== undefined && count > 0 && <span className="count">{count}</span>}
            </span>
          );
        })}
        <Menu
          label="More actions"
          icon={<MoreHorizontal aria-hidden="true" size={18} />}
          items={POST_ACTIONS.filter((a) => a.place === 'menu' && a.enabled(context)).map((a) => ({
            id: a.id,
            label: a.label,
            icon: <a.icon aria-hidden="true" size={16} />,
            onSelect: () => void a.perform(context),
          }))}
        />
        {accounts.length > 1 && post.seenBy.length > 0 && (
          <span className="post-seen">
            Seen by{' '}
            {post.seenBy
              .map((id) => accounts.find((a) => a.id === id)?.acct)
              .filter((acct) => acct !== undefined)
              .map((acct) => `@${acct}`)
              .join(', ')}
          </span>
        )}
        {own && able.length > 1 && (
          <select
            aria-label="Act as"
            value={own.accountId}
            onChange={(e) => setChosen(Number(e.currentTarget.value))}
          >
            {able.map((a) => (
              <option key={a.id} value={a.id}>
                as @{a.acct}
              </option>
            ))}
          </select>
        )}
      </footer>
      {own && replying && (
        <ReplyForm post={post} accountId={own.accountId} onDone={() => setReplying(false)} />
      )}
    </article>
  );
});
