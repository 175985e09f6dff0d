import type { PostView } from '../../src-shared/worker-api';
import { PostCard } from './PostCard';

export function PostList({ posts, label, empty }: { posts: PostView[]; label: string; empty: string }) {
  if (posts.length === 0) return <p className="empty">{empty}</p>;
  return (
    <section aria-label={label} className="post-list">
      {posts.map((post) => (
        <PostCard key={post.id} post={post} />
      ))}
    </section>
  );
}
