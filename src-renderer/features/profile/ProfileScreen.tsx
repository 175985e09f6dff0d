import { useInfiniteQuery } from '@tanstack/react-query';
import { Avatar } from '../../ui/Avatar';
import { EmojiText } from '../../ui/EmojiText';
import { PostListScreen, postListQuery } from '../timeline/PostListScreen';

/** One person: who they are, as their posts here say, and their posts stored on this computer. */
export function ProfileScreen({ acct }: { acct: string }) {
  const of = { author: acct };
  // The same query the list below reads: its first post names the author.
  const author = useInfiniteQuery(postListQuery(of)).data?.pages[0]?.posts[0]?.author;
  return (
    <PostListScreen
      title={author?.displayName || `@${acct}`}
      of={of}
      empty={`No posts by @${acct} are stored here.`}
      header={
        author && (
          <div className="profile-header">
            <Avatar author={author} size={64} />
            <div>
              <p className="profile-name">
                <EmojiText text={author.displayName || author.acct} emojis={author.emojis} />
                {author.bot && <span className="badge">Automated</span>}
              </p>
              <p className="post-acct">@{author.acct}</p>
              {author.url && /^https:\/\//i.test(author.url) && (
                <a href={author.url} target="_blank" rel="noopener noreferrer">
                  Open their profile on their server
                </a>
              )}
            </div>
          </div>
        )
      }
    />
  );
}
