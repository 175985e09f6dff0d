import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, Route, Router, Switch, useLocation } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { engine } from './engine';
import { keys, queryClient, useAfterFirstPage } from './query';
import { Bell, Bookmark, Home, PenSquare, Search, Settings, Star, Users } from 'lucide-react';
import { AccountsPanel } from '../features/accounts/AccountsPanel';
import { SearchScreen } from '../features/search/SearchScreen';
import { notificationGroupsQuery, unreadNotificationsQuery } from '../features/notifications/queries';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import { TimelineScreen } from '../features/timeline/TimelineScreen';
import { PostListScreen } from '../features/timeline/PostListScreen';
import { ProfileScreen } from '../features/profile/ProfileScreen';
import { ThreadScreen } from '../features/thread/ThreadScreen';
import { NotificationsScreen } from '../features/notifications/NotificationsScreen';
import { engineStatusQuery } from '../features/timeline/queries';
import { useUi } from '../state/store';
import { ShortcutsDialog } from './ShortcutsDialog';
import { isTyping } from './shortcuts';
import { StatusBanner } from './StatusBanner';
import { SyncBanner } from './SyncBanner';
import { PicturesBanner } from './PicturesBanner';
import { SourcesNav } from './SourcesNav';
import { ComposeDialog } from '../features/compose/ComposeDialog';

/** `?server=…` (the demo sets it) fills in the sign-in form. */
const DEFAULT_SERVER = new URLSearchParams(window.location.search).get('server') ?? '';

const NAV = [
  { to: '/', label: 'Home', icon: Home },
  { to: '/notifications', label: 'Notifications', icon: Bell },
  { to: '/search', label: 'Search', icon: Search },
  { to: '/bookmarks', label: 'Bookmarks', icon: Bookmark },
  { to: '/favourites', label: 'Favourites', icon: Star },
  { to: '/settings', label: 'Settings', icon: Settings },
  // Beside every screen in a wide window; a screen of its own in a narrow one.
  { to: '/accounts', label: 'Accounts', icon: Users, narrowOnly: true },
] as const;

/**
 * How many notifications came since they were last seen (here or in another app). Once the first
 * page is on screen and the page is idle, the notifications are read ahead too, so that opening
 * them shows them at once.
 */
function UnreadBadge() {
  const afterFirstPage = useAfterFirstPage();
  const unread = useQuery({ ...unreadNotificationsQuery, enabled: afterFirstPage }).data ?? 0;
  useEffect(() => {
    if (!afterFirstPage) return;
    const idle = requestIdleCallback(() => void queryClient.prefetchQuery(notificationGroupsQuery([])));
    return () => cancelIdleCallback(idle);
  }, [afterFirstPage]);
  if (unread === 0) return null;
  return (
    <span className="unread-badge">
      {unread > 99 ? '99+' : unread}
      <span className="visually-hidden"> new</span>
    </span>
  );
}

export function App() {
  return (
    <Router hook={useHashLocation}>
      <Shell />
    </Router>
  );
}

/** One of the person's lists, by its title. */
function ListScreen({ accountId, id }: { accountId: number; id: string }) {
  const title = useQuery({
    queryKey: keys.sources,
    queryFn: () => engine().timeline.sources(),
  }).data?.lists.find((l) => l.accountId === accountId && l.id === id)?.title;
  return (
    <PostListScreen
      title={title ?? 'List'}
      of={{ timeline: `list:${id}`, accountId }}
      empty="No posts of this list are stored yet."
    />
  );
}

function Shell() {
  const [location, navigate] = useLocation();
  const status = useQuery(engineStatusQuery).data;
  const rankings = useUi((s) => s.rankings);
  const searchText = useUi((s) => s.searchText);
  const setSearchText = useUi((s) => s.setSearchText);
  const theme = useUi((s) => s.theme);
  const textSize = useUi((s) => s.textSize);
  const [shortcuts, setShortcuts] = useState(false);
  const composing = useUi((s) => s.composing || s.editing !== null);
  const openCompose = useUi((s) => s.openCompose);
  const searchBox = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
    root.dataset.textSize = textSize;
  }, [theme, textSize]);

  // Keys that work anywhere; a post's own keys are handled by the post in focus.
  useEffect(() => {
    let pending: string | null = null;
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      const onPost = (event.target as HTMLElement).tagName === 'ARTICLE';
      if (pending === 'g') {
        pending = null;
        const to = { h: '/', n: '/notifications', s: '/settings', b: '/bookmarks', f: '/favourites' }[
          event.key
        ];
        if (to) {
          event.preventDefault();
          navigate(to);
        }
        return;
      }
      if (event.key === 'g') pending = 'g';
      else if (event.key === '/') {
        event.preventDefault();
        searchBox.current?.focus();
      } else if (event.key === '?') setShortcuts(true);
      else if (event.key === 'n') {
        event.preventDefault();
        useUi.getState().openCompose();
      } else if ((event.key === 'j' || event.key === 'k') && !onPost) {
        event.preventDefault();
        document.querySelector<HTMLElement>('main .post-list article')?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate]);

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to the posts
      </a>
      <header className="app-header">
        <span className="brand">Corgi</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map(({ to, label, icon: Icon, ...rest }) => (
              <li key={to} className={'narrowOnly' in rest ? 'narrow-only' : undefined}>
                <Link href={to} aria-current={location === to ? 'page' : undefined}>
                  <Icon aria-hidden="true" size={20} />
                  <span>{label}</span>
                  {to === '/notifications' && <UnreadBadge />}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <SourcesNav />
        <button type="button" className="primary compose-button" onClick={openCompose} title="New post (n)">
          <PenSquare aria-hidden="true" size={18} /> New post
        </button>
        <input
          ref={searchBox}
          type="search"
          aria-label="Search posts"
          placeholder="Search posts, #tags, @people"
          value={searchText}
          onChange={(e) => {
            const text = e.currentTarget.value;
            setSearchText(text);
            if (text.trim() !== '' && location !== '/search') navigate('/search');
          }}
        />
        <span className="app-status" aria-live="polite">
          {status?.state === 'ready'
            ? `${status.statuses} ${status.statuses === 1 ? 'post' : 'posts'} stored`
            : 'Opening…'}
        </span>
      </header>
      <div className="banners">
        <StatusBanner />
        <SyncBanner />
        <PicturesBanner />
      </div>
      <main id="main" tabIndex={-1} data-rankings={rankings}>
        <Switch>
          <Route path="/" component={TimelineScreen} />
          <Route path="/search" component={SearchScreen} />
          <Route path="/notifications" component={NotificationsScreen} />
          <Route path="/settings" component={SettingsScreen} />
          <Route path="/accounts">
            <div className="screen settings-screen">
              <h1 className="screen-title">Accounts</h1>
              <AccountsPanel defaultServer={DEFAULT_SERVER} />
            </div>
          </Route>
          <Route path="/bookmarks">
            <PostListScreen
              title="Bookmarks"
              of={{ timeline: 'bookmarks' }}
              empty="No bookmarks stored yet."
            />
          </Route>
          <Route path="/favourites">
            <PostListScreen
              title="Favourites"
              of={{ timeline: 'favourites' }}
              empty="No favourites stored yet."
            />
          </Route>
          <Route path="/tags/:tag">
            {(params) => (
              <PostListScreen
                key={params.tag}
                title={`#${decodeURIComponent(params.tag)}`}
                of={{ tag: decodeURIComponent(params.tag) }}
                empty="No posts with this hashtag are stored here."
              />
            )}
          </Route>
          <Route path="/lists/:accountId/:id">
            {(params) => (
              <ListScreen
                key={`${params.accountId}:${params.id}`}
                accountId={Number(params.accountId)}
                id={decodeURIComponent(params.id)}
              />
            )}
          </Route>
          <Route path="/thread/:id">
            {(params) => <ThreadScreen key={params.id} id={Number(params.id)} />}
          </Route>
          {/* Mastodon's own form of a profile's address; a pattern, since "@" is not a path segment's start. */}
          <Route path={/^\/@(?<acct>[^/]+)$/}>
            {(params: { acct?: string }) => (
              <ProfileScreen key={params.acct} acct={decodeURIComponent(params.acct ?? '')} />
            )}
          </Route>
          <Route>
            <div className="screen">
              <p className="empty">
                Nothing here. <Link href="/">Back to the timeline</Link>
              </p>
            </div>
          </Route>
        </Switch>
      </main>
      {location !== '/accounts' && (
        <aside aria-label="Accounts and sync">
          <AccountsPanel defaultServer={DEFAULT_SERVER} />
        </aside>
      )}
      {shortcuts && <ShortcutsDialog onClose={() => setShortcuts(false)} />}
      {composing && <ComposeDialog />}
    </div>
  );
}
