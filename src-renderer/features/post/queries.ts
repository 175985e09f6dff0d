/**
 * A post on screen is read through the cache under its id, so that a favourite, an edit or new
 * counts show wherever the post is (timeline, search, thread) without a list being patched.
 */
import { useQuery } from '@tanstack/react-query';
import type { PostView } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';

/** Ids asked for in the same turn are read in one call. */
let waiting = new Map<number, { resolve(post: PostView | null): void; reject(error: unknown): void }[]>();
const BATCH = 200;

function flush(): void {
  const batch = waiting;
  waiting = new Map();
  const ids = [...batch.keys()];
  for (let i = 0; i < ids.length; i += BATCH) {
    const chunk = ids.slice(i, i + BATCH);
    engine()
      .timeline.posts(chunk)
      .then(
        (posts) => {
          const byId = new Map(posts.map((p) => [p.id, p]));
          for (const id of chunk) for (const w of batch.get(id) ?? []) w.resolve(byId.get(id) ?? null);
        },
        (error: unknown) => {
          for (const id of chunk) for (const w of batch.get(id) ?? []) w.reject(error);
        },
      );
  }
}

export function readPost(id: number): Promise<PostView | null> {
  return new Promise((resolve, reject) => {
    if (waiting.size === 0) setTimeout(flush, 0);
    const list = waiting.get(id) ?? [];
    list.push({ resolve, reject });
    waiting.set(id, list);
  });
}

/**
 * The post as it is now, starting from the copy a page brought. Its place in a ranking stays the
 * page's: it says why the post is where it is on that page.
 */
export function usePost(served: PostView): PostView {
  const { data } = useQuery({
    queryKey: keys.post(served.id),
    queryFn: async () => (await readPost(served.id)) ?? { ...served, deleted: true },
    initialData: served,
  });
  return served.ranking && data !== served ? { ...data, ranking: served.ranking } : data;
}

/** A post known only by its id (a quoted post, a thread's parent): null until read, or if gone. */
export function usePostById(id: number): PostView | null {
  // Its own entry (a post read in full elsewhere is never null there), made stale with the rest.
  const { data } = useQuery({
    queryKey: [...keys.post(id), 'if-stored'],
    queryFn: async () => (await readPost(id)) ?? null,
  });
  return data ?? null;
}
