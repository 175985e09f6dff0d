import type { StateCreator } from 'zustand';
import type { EngineErrorShape } from '../../src-shared/worker-api';
import { engineErrorOf } from '../../src-shared/engine-errors';
import type { UiState } from '../state/store';

export interface ErrorsSlice {
  /** The last thing that went wrong, in words the person can act on, until dismissed. */
  error: EngineErrorShape | null;
  report(error: unknown): void;
  dismissError(): void;
}

export const createErrorsSlice: StateCreator<UiState, [], [], ErrorsSlice> = (set) => ({
  error: null,
  report: (error) => set({ error: engineErrorOf(error) }),
  dismissError: () => set({ error: null }),
});
