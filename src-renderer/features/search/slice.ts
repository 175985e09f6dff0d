import type { StateCreator } from 'zustand';
import type { UiState } from '../../state/store';

export interface SearchSlice {
  /** What is typed in the search box. */
  searchText: string;
  setSearchText(text: string): void;
}

export const createSearchSlice: StateCreator<UiState, [], [], SearchSlice> = (set) => ({
  searchText: '',
  setSearchText: (searchText) => set({ searchText }),
});
