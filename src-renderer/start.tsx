/**
 * The screen: loaded by main.tsx once the data worker has started, it connects the query cache to
 * the worker's changes, finishes a sign-in coming back from a server, and draws the app.
 */
import { api, early } from './boot';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import * as Comlink from 'comlink';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './app/App';
import { setEngine } from './app/engine';
import { firstPage, invalidateOnChange, keys, queryClient } from './app/query';
import { completeSignIn, signIn } from './features/accounts/commands';
import { warmUpRichContent } from './features/post/rich-content';
import { imageHostsQuery } from './app/PicturesBanner';
import { timelineQuery } from './features/timeline/queries';
import { onPicturesHeldBack, setPicturePolicy } from './ui/picture-policy';
import { desktopHost } from './host';
import { useUi } from './state/store';

setEngine(api);
// The hosts pictures may come from, asked first: the policy is set before the first page's posts
// (asked after) are drawn. Hosts held back later are stored, for the next start to allow.
void queryClient
  .fetchQuery({ ...imageHostsQuery, queryFn: () => early.imageHosts })
  .then(setPicturePolicy, () => undefined);
// The home timeline's first page, asked for as the worker started: the screen's query finds it.
if (early.homePage) {
  const homePage = early.homePage;
  void queryClient.prefetchInfiniteQuery({ ...timelineQuery('ranked', null), queryFn: () => homePage });
}
onPicturesHeldBack((hosts) => void api.images.add(hosts).catch(() => undefined));
// The engine handle in the developer console, and for the web edition's end-to-end tests.
(globalThis as { corgi?: typeof api }).corgi = api;
// Accounts without a live stream are polled less often while the window is hidden.
const foreground = () => void api.mastodon.setForeground(document.visibilityState === 'visible');
document.addEventListener('visibilitychange', foreground);
foreground();

async function connect(): Promise<void> {
  await invalidateOnChange(api);
  const status = await queryClient.fetchQuery({ queryKey: keys.status, queryFn: () => api.status() });
  if (status.state !== 'ready') return;
  // The accounts' sync starts once the timeline's first page is on screen (or soon after, when it
  // is slow), so that the worker answers the page first; at once when a sign-in is being finished.
  const params = new URLSearchParams(window.location.search);
  if (!params.has('state')) await firstPage();
  // Tokens go to the desktop shell's keychain vault when there is one.
  const vault = desktopHost()?.vault;
  await api.mastodon.start(vault ? { vault: Comlink.proxy(vault) } : {});
  // Back from the server's authorize page: finish signing in, then tidy the address.
  if (await completeSignIn(window.location.href)) {
    window.history.replaceState(null, '', '/');
    return;
  }
  // The demo's address asks to sign in to its server at once, when no account is signed in yet.
  const server = params.get('server');
  if (server && params.get('signin') === 'auto' && (await api.accounts.list()).length === 0)
    await signIn(server);
}
connect().catch((error: unknown) => useUi.getState().report(error));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
// While the worker reads the first page, the sanitiser gets ready for its posts (unless they are
// here already: drawing them is what it would get ready for).
setTimeout(() => {
  if (queryClient.getQueryData(timelineQuery('ranked', null).queryKey) === undefined) warmUpRichContent();
}, 0);
