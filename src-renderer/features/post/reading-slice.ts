import type { StateCreator } from 'zustand';
import type { PostView } from '../../../src-shared/worker-api';
import type { UiState } from '../../state/store';
import { engine } from '../../app/engine';

export interface ReadingSlice {
  /**
   * Posts recorded as viewed since the page opened, by URI: a fresh database reuses row ids, so
   * after "delete everything" an id would name another post.
   */
  viewed: Set<string>;
  /** What "more/less like this" did on a post (by URI), for the card to say so. */
  feedbackDone: Record<string, 'more' | 'less'>;
  /** Records once per post that it was on screen (the ranker's "already seen"). */
  recordView(post: PostView): void;
  /** Posts whose long stay on screen was recorded, by URI: once each while the page is open. */
  dwelt: Set<string>;
  /** Records a long stay on screen (milliseconds), a sign of interest the ranking learns from. */
  recordDwell(post: PostView, ms: number): void;
  markFeedback(post: PostView, direction: 'more' | 'less'): void;
}

export const createReadingSlice: StateCreator<UiState, [], [], ReadingSlice> = (set, get) => ({
  viewed: new Set(),
  feedbackDone: {},
  recordView(post) {
    const { viewed } = get();
    if (viewed.has(post.uri)) return;
    // Kept in place, not replaced: nothing on screen shows it, so nothing needs to hear of it.
    viewed.add(post.uri);
    engine()
      .interactions.record({ statusId: post.id, kind: 'view' })
      .catch((error: unknown) => get().report(error));
  },
  dwelt: new Set(),
  recordDwell(post, ms) {
    const { dwelt } = get();
    if (dwelt.has(post.uri)) return;
    dwelt.add(post.uri);
    engine()
      .interactions.record({ statusId: post.id, kind: 'dwell', value: ms })
      .catch((error: unknown) => get().report(error));
  },
  markFeedback: (post, direction) => set({ feedbackDone: { ...get().feedbackDone, [post.uri]: direction } }),
});
