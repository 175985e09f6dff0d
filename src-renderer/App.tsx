import { useAppStore } from './store';
import { PostList } from './components/PostList';
import { PrivacyPanel } from './components/PrivacyPanel';
import { AccountsPanel } from './components/AccountsPanel';
import { RankingPanel } from './components/RankingPanel';
import { StoragePanel } from './components/StoragePanel';
import { useEffect } from 'react';

/** `?server=…` (the demo sets it) fills in the sign-in form. */
const DEFAULT_SERVER = new URLSearchParams(window.location.search).get('server') ?? '';
import { StatusBanner } from './components/StatusBanner';

export function App() {
  const status = useAppStore((s) => s.status);
  const posts = useAppStore((s) => s.posts);
  const nextCursor = useAppStore((s) => s.nextCursor);
  const loading = useAppStore((s) => s.loading);
  const loadMore = useAppStore((s) => s.loadMore);
  const loadFirstPage = useAppStore((s) => s.loadFirstPage);
  const query = useAppStore((s) => s.query);
  const results = useAppStore((s) => s.results);
  const search = useAppStore((s) => s.search);
  const newPosts = useAppStore((s) => s.newPosts);
  const order = useAppStore((s) => s.order);
  const rankings = useAppStore((s) => s.rankings);
  const checkNewPosts = useAppStore((s) => s.checkNewPosts);
  const showNewPosts = useAppStore((s) => s.showNewPosts);
  const ready = status?.state === 'ready';
  useEffect(() => {
    if (!ready) return;
    // New posts never reshuffle what is on screen: they wait behind a button.
    const timer = setInterval(() => void checkNewPosts(), 15_000);
    return () => clearInterval(timer);
  }, [ready, checkNewPosts]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Corgi</h1>
        <input
          type="search"
          aria-label="Search posts"
          placeholder="Search posts, #tags, @people"
          value={query}
          onChange={(e) => void search(e.currentTarget.value)}
        />
        <button type="button" onClick={() => void (order === 'ranked' ? showNewPosts() : loadFirstPage())}>
          Refresh
        </button>
        <span className="app-status" aria-live="polite">
          {status?.state === 'ready'
            ? `${status.statuses} ${status.statuses === 1 ? 'post' : 'posts'} stored`
            : 'Opening…'}
        </span>
      </header>
      <StatusBanner />
      <main data-rankings={rankings}>
        {results !== null ? (
          <PostList posts={results} label="Search results" empty={`No posts match “${query}”.`} />
        ) : (
          <>
            {newPosts > 0 && (
              <button type="button" className="new-posts" onClick={() => void showNewPosts()}>
                {newPosts === 1 ? '1 new post' : `${newPosts} new posts`}
              </button>
            )}
            <PostList
              posts={posts}
              label="Timeline"
              empty={loading ? 'Loading…' : 'No posts stored yet.'}
              recordViews
            />
            {nextCursor && (
              <button type="button" className="load-more" disabled={loading} onClick={() => void loadMore()}>
                Load older posts
              </button>
            )}
          </>
        )}
      </main>
      <aside>
        <AccountsPanel defaultServer={DEFAULT_SERVER} />
        <RankingPanel />
        <PrivacyPanel />
        <StoragePanel />
      </aside>
    </div>
  );
}
