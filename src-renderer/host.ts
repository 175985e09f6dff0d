/** The desktop shell's bridge (src-main/preload.ts); absent in the web edition. */
import type { HostApi } from '../src-shared/host-api';

declare global {
  interface Window {
    corgiHost?: HostApi;
  }
}

export function desktopHost(): HostApi | undefined {
  return typeof window === 'undefined' ? undefined : window.corgiHost;
}
