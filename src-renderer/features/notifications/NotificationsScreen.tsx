import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { AtSign, BarChart3, Pencil, Quote, Repeat2, Star, UserPlus, Bell } from 'lucide-react';
import type { NotificationGroupView } from '../../../src-shared/worker-api';
import { Avatar } from '../../ui/Avatar';
import { RelativeTime } from '../../ui/RelativeTime';
import { PostCard } from '../post/PostCard';
import { engine } from '../../app/engine';
import { useUi } from '../../state/store';
import { notificationGroupsQuery } from './queries';
import { afterPaint } from '../../ui/after-paint';

/** Notifications drawn before the screen is first painted: more than a window holds. */
const FIRST_DRAWN = 12;

/** The filters offered, as Mastodon's clients offer them. */
const FILTERS: { label: string; types: string[] }[] = [
  { label: 'All', types: [] },
  { label: 'Mentions', types: ['mention'] },
  { label: 'Favourites', types: ['favourite'] },
  { label: 'Boosts', types: ['reblog'] },
  { label: 'Follows', types: ['follow', 'follow_request'] },
  { label: 'Polls', types: ['poll'] },
];

const VERBS: Record<string, string> = {
  favourite: 'favourited your post',
  reblog: 'boosted your post',
  quote: 'quoted your post',
  follow: 'followed you',
  follow_request: 'asked to follow you',
  mention: 'mentioned you',
  poll: 'ran a poll that has ended',
  status: 'posted',
  update: 'edited a post',
};

const ICONS: Record<string, typeof Bell> = {
  favourite: Star,
  reblog: Repeat2,
  quote: Quote,
  follow: UserPlus,
  follow_request: UserPlus,
  mention: AtSign,
  poll: BarChart3,
  update: Pencil,
};

/** "Ana", "Ana and Bo", "Ana and 4 others". */
export function whoDidIt(group: NotificationGroupView): string {
  const first = group.accounts[0];
  const name = first ? first.displayName || first.acct : 'Someone';
  if (group.count <= 1) return name;
  if (group.count === 2 && group.accounts[1])
    return `${name} and ${group.accounts[1].displayName || group.accounts[1].acct}`;
  return `${name} and ${group.count - 1} others`;
}

function Group({ group }: { group: NotificationGroupView }) {
  const Icon = ICONS[group.type] ?? Bell;
  const sentence = `${whoDidIt(group)} ${VERBS[group.type] ?? `sent a notification (${group.type})`}`;
  // A mention is the post itself; other kinds say who did what above the post.
  if (group.type === 'mention' && group.post) return <PostCard served={group.post} />;
  return (
    <article className="notification" aria-label={sentence}>
      <p className="notification-line">
        <Icon aria-hidden="true" size={18} className={`notification-icon notification-${group.type}`} />
        <span className="notification-avatars" aria-hidden="true">
          {group.accounts.slice(0, 5).map((a) => (
            <Avatar key={a.acct} author={{ ...a, url: null, bot: false }} size={28} />
          ))}
        </span>
      </p>
      <p>
        <strong>{sentence}</strong> · <RelativeTime at={group.latestAt} />
      </p>
      {group.post && (
        <a className="notification-post" href={`#/thread/${group.post.id}`}>
          {group.post.spoilerText || group.post.contentText.slice(0, 280)}
        </a>
      )}
    </article>
  );
}

/** Notifications, grouped as Mastodon groups them, with a filter by kind. */
export function NotificationsScreen() {
  const filter = useUi((s) => s.notificationFilter);
  const setFilter = useUi((s) => s.setNotificationFilter);
  const types = FILTERS.find((f) => f.label === filter)?.types ?? [];
  const groups = useQuery(notificationGroupsQuery(types));
  // The first screenful is drawn at once, the rest just after it is painted.
  const [shown, setShown] = useState(FIRST_DRAWN);
  const count = groups.data?.length ?? 0;
  useEffect(() => {
    if (count <= shown) return;
    return afterPaint(() => setShown(count));
  }, [count, shown]);
  // What is on this screen has been seen: here, and (through the markers) in other apps.
  const newest = groups.data?.[0]?.key;
  useEffect(() => {
    if (newest === undefined || document.visibilityState !== 'visible') return;
    engine()
      .notifications.markRead()
      .catch((error: unknown) => useUi.getState().report(error));
  }, [newest]);
  return (
    <div className="screen">
      <div className="screen-bar">
        <h1 className="screen-title">Notifications</h1>
      </div>
      <div className="segmented filters" role="group" aria-label="Show">
        {FILTERS.map((f) => (
          <button
            key={f.label}
            type="button"
            aria-pressed={filter === f.label}
            onClick={() => setFilter(f.label)}
          >
            {f.label}
          </button>
        ))}
      </div>
      <section className="notifications" aria-label="Notifications">
        {groups.isPending && <p className="empty">Loading…</p>}
        {groups.data?.length === 0 && <p className="empty">No notifications here yet.</p>}
        {groups.data?.slice(0, shown).map((group) => (
          <Group key={group.key} group={group} />
        ))}
      </section>
    </div>
  );
}
