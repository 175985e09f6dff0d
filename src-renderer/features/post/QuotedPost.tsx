import type { PostView } from '../../../src-shared/worker-api';
import { Avatar } from '../../ui/Avatar';
import { EmojiText } from '../../ui/EmojiText';
import { usePostById } from './queries';

/** The post a post quotes, small, opening its thread. */
export function QuotedPost({ id }: { id: number }) {
  const post = usePostById(id);
  if (!post) return null;
  return <Quoted post={post} />;
}

/**
 * One link to the quoted post's thread: its text is shown as text (with its custom emoji), since
 * the links in it cannot be links inside this one.
 */
function Quoted({ post }: { post: PostView }) {
  return (
    <a className="quoted-post" href={`#/thread/${post.id}`}>
      <span className="quoted-author">
        <Avatar author={post.author} size={20} />
        <EmojiText text={post.author.displayName || post.author.acct} emojis={post.author.emojis} />
      </span>
      {post.deleted ? (
        <span className="quoted-warning">This post was deleted.</span>
      ) : post.filters.some((f) => f.action === 'warn') ? (
        // A post the person filtered stays behind its filter here too.
        <span className="quoted-warning">
          Filtered: {post.filters.find((f) => f.action === 'warn')!.title}
        </span>
      ) : post.spoilerText ? (
        <span className="quoted-warning">{post.spoilerText}</span>
      ) : (
        <span className="quoted-content">
          <EmojiText text={post.contentText} emojis={post.emojis} />
        </span>
      )}
    </a>
  );
}
