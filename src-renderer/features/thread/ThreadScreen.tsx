import { useEffect, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';
import { PostCard } from '../post/PostCard';

/** A post with what it answers above and its replies below, indented by depth. */
export function ThreadScreen({ id }: { id: number }) {
  const thread = useQuery({ queryKey: keys.thread(id), queryFn: () => engine().timeline.thread(id) });
  // The rest of the thread from the server, once per visit: what arrives is stored, and the
  // thread above is read again when the worker says posts changed.
  const fromServer = useQuery({
    queryKey: ['thread-from-server', id],
    queryFn: () => engine().mastodon.fetchThread(id),
    enabled: thread.data?.post != null,
    gcTime: 0,
  });
  const focus = useRef<HTMLDivElement>(null);
  const found = thread.data?.post !== undefined && thread.data.post !== null;
  // The post itself in view, with what it answers above it.
  useEffect(() => {
    if (found) focus.current?.scrollIntoView({ block: 'start' });
  }, [found, id]);
  const data = thread.data;
  return (
    <div className="screen thread-screen">
      <div className="screen-bar">
        <h1 className="screen-title">Thread</h1>
      </div>
      <section className="thread" aria-label="Thread">
        {thread.isPending && <p className="empty">Loading…</p>}
        {data && !data.post && <p className="empty">This post is not stored here.</p>}
        {data?.ancestors.map((post) => (
          <div key={post.id} className="thread-ancestor">
            <PostCard served={post} />
          </div>
        ))}
        {data?.post && (
          <div ref={focus} className="thread-focus" aria-current="true">
            <PostCard served={data.post} />
          </div>
        )}
        {data?.descendants.map(({ post, depth }) => (
          <div
            key={post.id}
            className="thread-reply"
            style={{ marginLeft: `${Math.min(depth - 1, 6) * 1.25}rem` }}
          >
            <PostCard served={post} />
          </div>
        ))}
        <p className="thread-status" role="status">
          {fromServer.isFetching
            ? 'Looking for more of this thread on the server…'
            : fromServer.isError
              ? `Only what is stored here: the server could not be asked (${fromServer.error.message}).`
              : data?.post && data.descendants.length === 0
                ? 'No replies.'
                : ''}
        </p>
      </section>
    </div>
  );
}
