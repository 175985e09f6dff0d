import type { WorkerApi } from '../../src-shared/worker-api';
import type { Tx } from '../db/database';
import { timelineGaps } from '../ingest/stretches';
import { logServedPage, refreshFeed } from '../rank/feed';
import { postsById, timelinePage } from '../store/posts';
import { postList, threadOf } from '../store/post-lists';
import { timelineSources } from '../store/timeline-sources';
import { markHomeRead, readingPosition } from '../store/reading-markers';
import type { CommandContext } from './context';

export function timelineCommands({
  engine,
  memory,
  rankingWrite,
  mastodon,
}: CommandContext): WorkerApi['timeline'] {
  let pages = 0;
  const log = (tx: Tx, posts: readonly { id: number }[], now: number) =>
    logServedPage(
      tx,
      posts.map((p) => p.id),
      `${now}-${++pages}`,
      now,
    );
  return {
    page: async (query) => {
      if (query.order !== 'ranked') return engine.read((tx, now) => timelinePage(tx, query, now));
      const ranked = await engine.read((tx) =>
        tx.get<{ n: number }>('SELECT EXISTS (SELECT 1 FROM feed WHERE position IS NOT NULL) AS n'),
      );
      if (!ranked?.n)
        // Nothing ranked yet: the first page ranks, in the write that serves it.
        return rankingWrite(async (tx, now) => {
          await refreshFeed(tx, memory, now);
          const page = await timelinePage(tx, query, now);
          await log(tx, page.posts, now);
          return page;
        });
      // Ranked already: the page is read and answered, and then logged as served (queued now, so
      // whatever is asked next sees it), its write no longer in the way of the answer.
      const { page, servedAt } = await engine.read(async (tx, now) => ({
        page: await timelinePage(tx, query, now),
        servedAt: now,
      }));
      rankingWrite((tx) => log(tx, page.posts, servedAt)).catch((error: unknown) =>
        console.warn('corgi: a served page could not be logged:', error),
      );
      return page;
    },
    posts: (ids) => engine.read((tx) => postsById(tx, ids)),
    list: (query) => engine.read((tx) => postList(tx, query)),
    thread: (statusId) => engine.read((tx) => threadOf(tx, statusId)),
    sources: () => engine.read((tx) => timelineSources(tx)),
    markRead: async (statusId) => {
      if (await engine.write((tx, now) => markHomeRead(tx, statusId, now))) mastodon?.().kickMarkers();
    },
    readingPosition: (accountId) => engine.read((tx) => readingPosition(tx, accountId ?? null)),
    gaps: (accountId, timeline) => engine.read((tx) => timelineGaps(tx, accountId, timeline)),
    served: (postIds, servedAt) =>
      rankingWrite((tx) =>
        log(
          tx,
          postIds.map((id) => ({ id })),
          servedAt,
        ),
      ),
  };
}
