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

/** One of the person's own posts being edited: its new text, warning and language. */
export interface EditDraft {
  statusId: number;
  accountId: number;
  text: string;
  spoilerText: string;
  language: string | null;
}

export interface ComposeSlice {
  /** The new post being written: kept when the dialog closes, until it is sent or thrown away. */
  draft: Draft;
  composing: boolean;
  openCompose(): void;
  closeCompose(): void;
  editDraft(patch: Partial<Draft>): void;
  discardDraft(): void;
  /** The post being edited, when the dialog edits one instead of writing a new one. */
  editing: EditDraft | null;
  openEdit(edit: EditDraft): void;
  changeEdit(patch: Partial<Omit<EditDraft, 'statusId' | 'accountId'>>): void;
  closeEdit(): void;
}

export const createComposeSlice: StateCreator<UiState, [], [], ComposeSlice> = (set, get) => ({
  draft: EMPTY_DRAFT,
  composing: false,
  openCompose: () => set({ composing: true }),
  closeCompose: () => set({ composing: false }),
  editDraft: (patch) => set({ draft: { ...get().draft, ...patch } }),
  discardDraft: () => set({ draft: EMPTY_DRAFT }),
  editing: null,
  openEdit: (editing) => set({ editing }),
  changeEdit: (patch) => {
    const editing = get().editing;
    if (editing) set({ editing: { ...editing, ...patch } });
  },
  closeEdit: () => set({ editing: null }),
});
