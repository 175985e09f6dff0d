import type { StateCreator } from 'zustand';
import type { PublishInput } from '../../../src-shared/worker-api';
import type { UiState } from '../../state/store';

export type Draft = Required<Omit<PublishInput, 'accountId'>> & { accountId: number | null };

export const EMPTY_DRAFT: Draft = {
  accountId: null,
  text: '',
  spoilerText: '',
  visibility: 'public',
  language: null,
};

export interface ComposeSlice {
  /** The new post being written: kept when the dialog closes, until it is sent or thrown away. */
  draft: Draft;
  composing: boolean;
  openCompose(): void;
  closeCompose(): void;
  editDraft(patch: Partial<Draft>): void;
  discardDraft(): void;
}

export const createComposeSlice: StateCreator<UiState, [], [], ComposeSlice> = (set, get) => ({
  draft: EMPTY_DRAFT,
  composing: false,
  openCompose: () => set({ composing: true }),
  closeCompose: () => set({ composing: false }),
  editDraft: (patch) => set({ draft: { ...get().draft, ...patch } }),
  discardDraft: () => set({ draft: EMPTY_DRAFT }),
});
