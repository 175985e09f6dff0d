import type { StateCreator } from 'zustand';
import type { VirtualItem } from '@tanstack/react-virtual';
import type { TimelineQuery } from '../../../src-shared/worker-api';
import type { UiState } from '../../state/store';

export interface ScrollPlace {
  top: number;
  measurements: VirtualItem[];
}

export interface TimelineSlice {
  /** Ranked or newest first: one click away on the timeline. */
  order: TimelineQuery['order'];
  /** One account's timeline, or all of them merged (null). */
  timelineAccount: number | null;
  /** Rankings shown since the app opened (the screen says so, for tests and for the curious). */
  rankings: number;
  /**
   * Where each timeline was scrolled to, with the sizes of the cards drawn then, so that coming
   * back to it lands exactly there (estimated sizes would land elsewhere).
   */
  scrollTops: Record<string, ScrollPlace>;
  /**
   * Timelines whose opening place is settled for this session: the index of the post at the
   * reading position they opened at, or null at the top.
   */
  positioned: Record<string, { startAt: number | null }>;
  settlePosition(timeline: string, startAt: number | null): void;
  /** Which kinds of notification are shown ("All", "Mentions", …). */
  notificationFilter: string;
  setNotificationFilter(filter: string): void;
  setOrder(order: TimelineQuery['order']): void;
  setTimelineAccount(accountId: number | null): void;
  countRanking(): void;
  rememberScroll(timeline: string, top: number, measurements?: VirtualItem[]): void;
}

export const createTimelineSlice: StateCreator<UiState, [], [], TimelineSlice> = (set, get) => ({
  order: 'ranked',
  timelineAccount: null,
  rankings: 0,
  scrollTops: {},
  positioned: {},
  settlePosition: (timeline, startAt) =>
    set({ positioned: { ...get().positioned, [timeline]: { startAt } } }),
  notificationFilter: 'All',
  setNotificationFilter: (notificationFilter) => set({ notificationFilter }),
  setOrder: (order) => set({ order }),
  setTimelineAccount: (timelineAccount) => set({ timelineAccount }),
  countRanking: () => set({ rankings: get().rankings + 1 }),
  rememberScroll: (timeline, top, measurements) => {
    const was = get().scrollTops[timeline];
    const place = { top, measurements: measurements ?? (top === 0 ? [] : (was?.measurements ?? [])) };
    set({ scrollTops: { ...get().scrollTops, [timeline]: place } });
  },
});
