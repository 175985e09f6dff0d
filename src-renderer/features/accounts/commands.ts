/**
 * Signing in and out. The worker's change events bring the accounts and their sync state back
 * into the cache; nothing here reloads a list.
 */
import { engine } from '../../app/engine';
import { queryClient } from '../../app/query';
import { desktopHost } from '../../host';
import { useUi } from '../../state/store';

/** Sends the browser to the server's authorize page (web), or signs in through the system browser. */
export async function signIn(
  instance: string,
  go = (url: string) => window.location.assign(url),
): Promise<void> {
  const ui = useUi.getState();
  ui.setSigningIn(true);
  const api = engine();
  const host = desktopHost();
  try {
    if (host) {
      // Desktop: the system browser, and the answer on a loopback port.
      const state = crypto.randomUUID();
      const { redirectUri } = await host.beginLoopbackSignIn(state);
      const { url } = await api.mastodon.startSignIn(instance, { redirectUri, state });
      await api.mastodon.finishSignIn(await host.finishLoopbackSignIn(state, url));
      ui.setSigningIn(false);
      return;
    }
    // Web: this page goes to the server and comes back with the answer.
    const { url } = await api.mastodon.startSignIn(instance);
    go(url);
  } catch (error) {
    ui.setSigningIn(false);
    ui.report(error);
  }
}

/** Finishes a sign-in when the page was opened by the server's redirect; true when it was. */
export async function completeSignIn(pageUrl: string): Promise<boolean> {
  const params = new URL(pageUrl).searchParams;
  if (!params.has('state') || (!params.has('code') && !params.has('error'))) return false;
  const ui = useUi.getState();
  ui.setSigningIn(true);
  try {
    await engine().mastodon.finishSignIn(pageUrl);
  } catch (error) {
    ui.report(error);
  } finally {
    ui.setSigningIn(false);
  }
  return true;
}

export async function signOut(accountId: number): Promise<void> {
  try {
    await engine().mastodon.signOut(accountId);
    // Its posts may have left the timeline with it.
    await queryClient.resetQueries({ queryKey: ['timeline'] });
  } catch (error) {
    useUi.getState().report(error);
  }
}

/** Tries an account's failing steps, or its unreachable server, again now. */
export async function retryNow(accountId: number): Promise<void> {
  try {
    await engine().mastodon.retryNow(accountId);
  } catch (error) {
    useUi.getState().report(error);
  }
}

/** Takes a refused action again, as it was. */
export async function retryAction(outboxId: number): Promise<void> {
  try {
    await engine().actions.retry(outboxId);
  } catch (error) {
    useUi.getState().report(error);
  }
}

/** Forgets a refused action. */
export async function dismissAction(outboxId: number): Promise<void> {
  try {
    await engine().actions.dismiss(outboxId);
  } catch (error) {
    useUi.getState().report(error);
  }
}
