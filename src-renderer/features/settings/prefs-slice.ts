import type { StateCreator } from 'zustand';
import type { UiState } from '../../state/store';

export type Theme = 'system' | 'light' | 'dark';
export const TEXT_SIZES = ['small', 'medium', 'large', 'larger'] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

export interface PrefsSlice {
  /** Light or dark, or as the system says. */
  theme: Theme;
  textSize: TextSize;
  setTheme(theme: Theme): void;
  setTextSize(size: TextSize): void;
}

export const createPrefsSlice: StateCreator<UiState, [], [], PrefsSlice> = (set) => ({
  theme: 'system',
  textSize: 'medium',
  setTheme: (theme) => set({ theme }),
  setTextSize: (textSize) => set({ textSize }),
});
