import type { StateCreator } from 'zustand';
import type { UiState } from '../../state/store';

export interface AccountsSlice {
  /** A sign-in is under way (the browser is away at the server, or the desktop waits for it). */
  signingIn: boolean;
  setSigningIn(signingIn: boolean): void;
}

export const createAccountsSlice: StateCreator<UiState, [], [], AccountsSlice> = (set) => ({
  signingIn: false,
  setSigningIn: (signingIn) => set({ signingIn }),
});
