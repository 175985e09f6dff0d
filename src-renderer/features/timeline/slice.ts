import type { StateCreator } from 'zustand';
import type { TimelineQuery } from '../../../src-shared/worker-api';
import type { UiState } from '../../state/store';

export interface TimelineSlice {
  /** Ranked or newest first: one click away on the timeline. */
  order: TimelineQuery['order'];
  /** One account's timeline, or all of them merged (null). */
  timelineAccount: number | null;
  /** Rankings shown since the app opened (the screen says so, for tests and for the curious). */
  rankings: number;
  /** Where each timeline was scrolled to, so that coming back to it lands there. */
  scrollTops: Record<string, number>;
  /** Which kinds of notification are shown ("All", "Mentions", …). */
  notificationFilter: string;
  setNotificationFilter(filter: string): void;
  setOrder(order: TimelineQuery['order']): void;
  setTimelineAccount(accountId: number | null): void;
  countRanking(): void;
  rememberScroll(timeline: string, top: number): void;
}

export const createTimelineSlice: StateCreator<UiState, [], [], TimelineSlice> = (set, get) => ({
  order: 'ranked',
  timelineAccount: null,
  rankings: 0,
  scrollTops: {},
  notificationFilter: 'All',
  setNotificationFilter: (notificationFilter) => set({ notificationFilter }),
  setOrder: (order) => set({ order }),
  setTimelineAccount: (timelineAccount) => set({ timelineAccount }),
  countRanking: () => set({ rankings: get().rankings + 1 }),
  rememberScroll: (timeline, top) => set({ scrollTops: { ...get().scrollTops, [timeline]: top } }),
});
