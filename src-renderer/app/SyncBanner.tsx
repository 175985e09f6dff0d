import { useSyncExternalStore } from 'react';
import { useQuery } from '@tanstack/react-query';
import { accountsQuery, syncStatusQuery } from '../features/accounts/queries';
import { retryNow, signIn } from '../features/accounts/commands';
import { useUi } from '../state/store';

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

function subscribeOnline(changed: () => void): () => void {
  window.addEventListener('online', changed);
  window.addEventListener('offline', changed);
  return () => {
    window.removeEventListener('online', changed);
    window.removeEventListener('offline', changed);
  };
}

/**
 * Why nothing new comes, above every screen, with what the person can do: offline (what is stored
 * still reads, actions wait), an account whose server no longer takes Corgi's access, a server that
 * cannot be reached, or one whose rate limit holds requests back (until when).
 */
export function SyncBanner() {
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine);
  const statuses = useQuery(syncStatusQuery).data ?? [];
  const accounts = useQuery(accountsQuery).data ?? [];
  const signingIn = useUi((s) => s.signingIn);
  const problems: { key: string; text: string; action?: { label: string; run(): void } }[] = [];
  if (!online)
    problems.push({
      key: 'offline',
      text: 'You are offline. What is stored here can still be read; what you do is sent when you are back.',
    });
  for (const s of statuses) {
    const account = accounts.find((a) => a.id === s.accountId);
    const host = account?.instance ?? s.acct.split('@')[1] ?? s.acct;
    if (s.state === 'needs_sign_in')
      problems.push({
        key: `sign-in-${s.accountId}`,
        text: `@${s.acct} needs to sign in again${s.reason ? `: ${s.reason}` : '.'}`,
        action:
          account && !signingIn
            ? { label: 'Sign in again', run: () => void signIn(account.instance) }
            : undefined,
      });
    else if (s.state === 'unreachable' && online)
      problems.push({
        key: `unreachable-${s.accountId}`,
        text: `${host} cannot be reached${s.reason ? ` (${s.reason})` : ''}. What is stored here can still be read; Corgi tries again by itself.`,
        action: { label: 'Try now', run: () => void retryNow(s.accountId) },
      });
    else if (s.pausedUntil !== null && online)
      problems.push({
        key: `paused-${s.accountId}`,
        text: `${host} asked Corgi to slow down: new posts for @${s.acct} come again at ${clock.format(s.pausedUntil)}.`,
      });
  }
  if (problems.length === 0) return null;
  return (
    <div className="banner banner-warning" role="status" aria-label="Connection">
      <ul>
        {problems.map((p) => (
          <li key={p.key}>
            <span>{p.text}</span>{' '}
            {p.action && (
              <button type="button" onClick={p.action.run}>
                {p.action.label}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
