import type { WorkerApi } from '../../src-shared/worker-api';
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
  return {
    page: (query) => {
      if (query.order !== 'ranked') return engine.read((tx, now) => timelinePage(tx, query, now));
      // Serving a ranked page is a write: the first one ranks, and every one is logged.
      return rankingWrite(async (tx, now) => {
        if (!query.cursor) {
          const ranked = await tx.get<{ n: number }>(
            'SELECT count(*) AS n FROM feed WHERE position IS NOT NULL',
          );
          if (!ranked?.n) await refreshFeed(tx, memory, now);
        }
        const page = await timelinePage(tx, query, now);
        await logServedPage(
          tx,
          page.posts.map((p) => p.id),
          `${now}-${++pages}`,
          now,
        );
        return page;
      });
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
  };
}
