/**
 * What only the screen knows (the order chosen, what was seen, drafts, preferences) in one store
 * built from each feature's slice. Worker data is not here: it lives in the query cache.
 * `reset()` returns every slice to how it starts: for the tests, and after "delete everything".
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { createErrorsSlice, type ErrorsSlice } from '../app/errors-slice';
import { createTimelineSlice, type TimelineSlice } from '../features/timeline/slice';
import { createReadingSlice, type ReadingSlice } from '../features/post/reading-slice';
import { createAccountsSlice, type AccountsSlice } from '../features/accounts/slice';
import { createSearchSlice, type SearchSlice } from '../features/search/slice';
import { createPrefsSlice, type PrefsSlice } from '../features/settings/prefs-slice';
import { createComposeSlice, type ComposeSlice } from '../features/compose/slice';

export type UiState = ErrorsSlice &
  TimelineSlice &
  ReadingSlice &
  AccountsSlice &
  SearchSlice &
  PrefsSlice &
  ComposeSlice & { reset(): void };

export const useUi = create<UiState>()(
  persist(
    (set, get, store) => {
      const initial = () => ({
        ...createErrorsSlice(set, get, store),
        ...createTimelineSlice(set, get, store),
        ...createReadingSlice(set, get, store),
        ...createAccountsSlice(set, get, store),
        ...createSearchSlice(set, get, store),
        ...createPrefsSlice(set, get, store),
        ...createComposeSlice(set, get, store),
      });
      return { ...initial(), reset: () => set(initial()) };
    },
    {
      name: 'corgi-ui',
      version: 1,
      // Preferences and the draft outlive the page; the rest belongs to what is on screen now.
      partialize: (state) => ({ theme: state.theme, textSize: state.textSize, draft: state.draft }),
    },
  ),
);
