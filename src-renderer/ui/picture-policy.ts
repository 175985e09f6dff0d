/**
 * Pictures load only from the hosts that the stored posts' media, emoji and link cards and the
 * authors' avatars name (the worker keeps them: `images.hosts`), and the page's
 * Content-Security-Policy says so: no other address in a post (in its text, a link, a description)
 * can become a request, even one that got past the sanitiser.
 *
 * A page's policy can be narrowed but never widened, so it is set once: at start, with the hosts
 * known then, or, while nothing is stored yet, as soon as the first hosts are known (until then no
 * picture is drawn at all). A picture from a host learned after that is held back (its text or
 * placeholder shows instead) and the screen offers to load the page again, which allows it.
 */
import { useSyncExternalStore } from 'react';
import { httpsHost } from '../../src-shared/picture-hosts';

let allowed: ReadonlySet<string> | null = null;
let heldBack: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();
let tellHeldBack: (hosts: string[]) => void = () => undefined;

function emit(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The policy's directive for the given hosts. */
export function picturePolicy(hosts: readonly string[]): string {
  const sources = [...hosts]
    .sort()
    .map((host) => ` https://${host}`)
    .join('');
  return `img-src 'self' blob:${sources}; media-src 'self' blob:${sources}`;
}

/** Sets the page's picture policy to `hosts`, once (later calls, and an empty list, do nothing). */
export function setPicturePolicy(hosts: readonly string[]): void {
  if (allowed !== null || hosts.length === 0) return;
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = picturePolicy(hosts);
  document.head.append(meta);
  allowed = new Set(hosts);
  emit();
}

/** Who hears of hosts held back (to store them, so that the next page allows them). */
export function onPicturesHeldBack(listener: (hosts: string[]) => void): void {
  tellHeldBack = listener;
}

function holdBack(host: string): void {
  if (heldBack.has(host)) return;
  heldBack = new Set([...heldBack, host]);
  // Heard after the render that met it.
  queueMicrotask(() => {
    emit();
    tellHeldBack([host]);
  });
}

/**
 * `url` when the page's policy allows its picture, else null (an address not on https, no policy
 * yet, or a host the policy does not name, which is then held back). For HTML built outside React.
 */
export function allowedPicture(
  url: string | null | undefined,
  policy: ReadonlySet<string> | null = allowed,
): string | null {
  const host = httpsHost(url);
  if (host === null || policy === null) return null;
  if (policy.has(host)) return url!;
  holdBack(host);
  return null;
}

/** The policy as it stands, for a component to draw again when it is set. */
export function usePicturePolicy(): ReadonlySet<string> | null {
  return useSyncExternalStore(subscribe, () => allowed);
}

/** `allowedPicture` for a component: drawn again once the policy is set. */
export function usePicture(url: string | null | undefined): string | null {
  usePicturePolicy();
  return allowedPicture(url);
}

/** The hosts whose pictures were held back on this page. */
export function useHeldBackPictures(): ReadonlySet<string> {
  return useSyncExternalStore(subscribe, () => heldBack);
}
