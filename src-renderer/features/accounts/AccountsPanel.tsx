import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useUi } from '../../state/store';
import { accountsQuery, failedActionsQuery, syncStatusQuery } from './queries';
import { useAfterFirstPage } from '../../app/query';
import { dismissAction, retryAction, retryNow, signIn, signOut } from './commands';
import type {
  Account,
  MastodonAccountState,
  MastodonAccountStatus,
  MastodonAction,
  ServerFeature,
} from '../../../src-shared/worker-api';

const ACTION_TEXT: Record<MastodonAction, string> = {
  post: 'publish a post',
  favourite: 'favourite a post',
  unfavourite: 'undo a favourite',
  reblog: 'boost a post',
  unreblog: 'undo a boost',
  bookmark: 'bookmark a post',
  unbookmark: 'remove a bookmark',
  reply: 'send a reply',
  delete: 'delete a post',
  vote: 'vote in a poll',
  edit: 'edit a post',
};

const STATE_TEXT: Record<MastodonAccountState, string> = {
  syncing: 'Syncing…',
  live: 'Up to date',
  polling: 'Up to date (checks for new posts every minute)',
  needs_sign_in: 'Needs to sign in again',
  unreachable: 'Cannot reach the server; retrying',
  stopped: 'Stopped',
};

/** What each missing feature means for the person, and what Corgi does without it. */
const FEATURE_TEXT: Record<ServerFeature, string> = {
  streaming:
    'No live updates: new posts are checked every minute (every five while Corgi is in the background).',
  favourites: 'Your favourites cannot be read, so they do not inform the ranking.',
  bookmarks: 'Your bookmarks cannot be read, so they do not inform the ranking.',
  notifications: 'Notifications cannot be read: mentions of you are not brought in.',
  grouped_notifications: 'Notifications are read one by one: this server does not group them.',
  filters_v2: 'Older filters only: Corgi applies your filters itself.',
  filters_v1: 'Your filters cannot be read: posts they would hide are shown.',
  mutes: 'Your mutes cannot be read: muted people’s posts may appear.',
  blocks: 'Your blocks cannot be read: blocked people’s posts may appear.',
  lists: 'Your lists cannot be read, so they add nothing to the timeline.',
  followed_tags: 'Followed hashtags cannot be read, so they add nothing to the timeline.',
  follows: 'Whom you follow cannot be read: the ranking cannot tell them from strangers.',
  trends: 'No trending posts from this server.',
  markers: 'Your reading position cannot be shared with other apps.',
  status_batch: 'Counts of favourites and boosts refresh only as posts come in again.',
  quotes: 'No quote posts.',
  translation: 'No translation.',
  edit_history: 'Edit history cannot be shown.',
};

/** How the software names itself. */
const SOFTWARE_NAMES: Record<string, string> = {
  mastodon: 'Mastodon',
  gotosocial: 'GoToSocial',
  akkoma: 'Akkoma',
  pleroma: 'Pleroma',
  iceshrimp: 'Iceshrimp',
  sharkey: 'Sharkey',
  misskey: 'Misskey',
  firefish: 'Firefish',
  friendica: 'Friendica',
  pixelfed: 'Pixelfed',
  hollo: 'Hollo',
};

function softwareName(software: string): string {
  if (software === 'unknown') return 'software that does not say what it is';
  return SOFTWARE_NAMES[software] ?? software.charAt(0).toUpperCase() + software.slice(1);
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** One account: how it syncs, what is wrong and what to do, and what its server lacks. */
function AccountRow({ account, status }: { account: Account; status: MastodonAccountStatus | undefined }) {
  const signingIn = useUi((s) => s.signingIn);
  const state: MastodonAccountState | undefined =
    account.state === 'needs_sign_in'
      ? 'needs_sign_in'
      : (status?.state ?? (account.state === 'unreachable' ? 'unreachable' : undefined));
  const reason = status?.reason ?? account.stateReason;
  const server = status?.server;
  const off = status?.featuresOff ?? [];
  const failing = status?.failingSteps ?? [];
  return (
    <li className={`account account-${state ?? 'idle'}`}>
      <span className="acct">@{account.acct}</span>{' '}
      <span className="sync-state">{state ? STATE_TEXT[state] : ''}</span>{' '}
      <button type="button" onClick={() => void signOut(account.id)}>
        Sign out
      </button>
      {(state === 'needs_sign_in' || state === 'unreachable') && (
        <div className="account-problem" role="alert">
          <p>{reason}</p>
          {state === 'needs_sign_in' ? (
            <button type="button" disabled={signingIn} onClick={() => void signIn(account.instance)}>
              Sign in again
            </button>
          ) : (
            <button type="button" onClick={() => void retryNow(account.id)}>
              Try now
            </button>
          )}
          {account.stateSince !== null && <p className="since">Since {time(account.stateSince)}</p>}
        </div>
      )}
      {failing.length > 0 && (
        <ul className="failing-steps" aria-label={`What could not be refreshed for @${account.acct}`}>
          {failing.map((step) => (
            <li key={step.step}>
              Could not refresh {step.step.replace(/_/g, ' ')}: {step.lastError}
              {step.nextAt !== null && ` Trying again at ${time(step.nextAt)}.`}
            </li>
          ))}
        </ul>
      )}
      {server && (
        <details className="server">
          <summary>
            {account.instance} runs {softwareName(server.software)}
            {server.softwareVersion ? ` ${server.softwareVersion}` : ''}
            {off.length > 0
              ? ` · ${off.length} ${off.length === 1 ? 'feature' : 'features'} not offered`
              : ''}
          </summary>
          {off.length > 0 ? (
            <ul>
              {off.map((feature) => (
                <li key={feature.feature}>
                  {FEATURE_TEXT[feature.feature]}
                  {feature.reason && <span className="why"> ({feature.reason})</span>}
                </li>
              ))}
            </ul>
          ) : (
            <p>Everything Corgi uses is offered.</p>
          )}
        </details>
      )}
    </li>
  );
}

/** The signed-in accounts, their sync state, and signing in and out. */
export function AccountsPanel({ defaultServer }: { defaultServer: string }) {
  const accounts = useQuery(accountsQuery).data ?? [];
  const syncing = useQuery(syncStatusQuery).data ?? [];
  const failedActions = useQuery({ ...failedActionsQuery, enabled: useAfterFirstPage() }).data ?? [];
  const signingIn = useUi((s) => s.signingIn);
  const [server, setServer] = useState(defaultServer);

  return (
    <section className="accounts" aria-label="Accounts">
      <h2>Accounts</h2>
      <ul>
        {accounts.map((account) => (
          <AccountRow
            key={account.id}
            account={account}
            status={syncing.find((s) => s.accountId === account.id)}
          />
        ))}
      </ul>
      {failedActions.length > 0 && (
        <ul className="failed-actions" aria-label="Actions that failed">
          {failedActions.map((item) => (
            <li key={item.id} role="alert" data-outbox-id={item.id}>
              Could not {ACTION_TEXT[item.action]}: {item.lastError}{' '}
              <button type="button" onClick={() => void retryAction(item.id)}>
                Try again
              </button>{' '}
              <button type="button" className="link-button" onClick={() => void dismissAction(item.id)}>
                Dismiss
              </button>
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
