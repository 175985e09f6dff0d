import { useEffect, useState } from 'react';
import { useAppStore } from '../store';
import type { MastodonAccountState, MastodonAction } from '../../src-shared/worker-api';

const ACTION_TEXT: Record<MastodonAction, string> = {
  favourite: 'favourite a post',
  unfavourite: 'undo a favourite',
  reblog: 'boost a post',
  unreblog: 'undo a boost',
  bookmark: 'bookmark a post',
  unbookmark: 'remove a bookmark',
  reply: 'send a reply',
  delete: 'delete a post',
};

const STATE_TEXT: Record<MastodonAccountState, string> = {
  syncing: 'Syncing…',
  live: 'Up to date',
  polling: 'Up to date (checks for new posts every minute)',
  needs_sign_in: 'Needs to sign in again',
  unreachable: 'Cannot reach the server; retrying',
  stopped: 'Stopped',
};

/** The signed-in accounts, their sync state, and signing in and out. */
export function AccountsPanel({ defaultServer }: { defaultServer: string }) {
  const accounts = useAppStore((s) => s.accounts);
  const syncing = useAppStore((s) => s.syncing);
  const signingIn = useAppStore((s) => s.signingIn);
  const signIn = useAppStore((s) => s.signIn);
  const signOut = useAppStore((s) => s.signOut);
  const loadAccounts = useAppStore((s) => s.loadAccounts);
  const loadFirstPage = useAppStore((s) => s.loadFirstPage);
  const refreshStatus = useAppStore((s) => s.refreshStatus);
  const failedActions = useAppStore((s) => s.failedActions);
  const [server, setServer] = useState(defaultServer);
  const busy = syncing.some((s) => s.state === 'syncing');

  // While an account syncs, show what has arrived every couple of seconds; afterwards keep the
  // accounts' state and the post count current without reordering what is on screen.
  useEffect(() => {
    if (accounts.length === 0) return;
    const timer = setInterval(
      () =>
        void (busy
          ? Promise.all([loadAccounts(), loadFirstPage()])
          : Promise.all([loadAccounts(), refreshStatus()])),
      busy ? 2000 : 5000,
    );
    return () => clearInterval(timer);
  }, [accounts.length, busy, loadAccounts, loadFirstPage, refreshStatus]);

  return (
    <section className="accounts" aria-label="Accounts">
      <h2>Accounts</h2>
      <ul>
        {accounts.map((account) => {
          const state = syncing.find((s) => s.accountId === account.id)?.state;
          return (
            <li key={account.id}>
              <span className="acct">@{account.acct}</span>{' '}
              <span className="sync-state">
                {account.state === 'needs_sign_in'
                  ? STATE_TEXT.needs_sign_in
                  : state
                    ? STATE_TEXT[state]
                    : ''}
              </span>{' '}
              <button type="button" onClick={() => void signOut(account.id)}>
                Sign out
              </button>
            </li>
          );
        })}
      </ul>
      {failedActions.length > 0 && (
        <ul className="failed-actions" aria-label="Actions that failed">
          {failedActions.map((item) => (
            <li key={item.id} role="alert">
              Could not {ACTION_TEXT[item.action]}: {item.lastError}
            </li>
          ))}
        </ul>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (server.trim()) void signIn(server.trim());
        }}
      >
        <label>
          Mastodon server{' '}
          <input
            name="server"
            value={server}
            placeholder="mastodon.social"
            onChange={(e) => setServer(e.currentTarget.value)}
          />
        </label>{' '}
        <button type="submit" disabled={signingIn}>
          {accounts.length > 0 ? 'Add an account' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
