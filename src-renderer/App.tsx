import { useAppStore } from './store';
import { PostList } from './components/PostList';
import { PrivacyPanel } from './components/PrivacyPanel';
import { AccountsPanel } from './components/AccountsPanel';

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
        <button type="button" onClick={() => void loadFirstPage()}>
          Refresh
        </button>
        <span className="app-status" aria-live="polite">
          {status?.state === 'ready' ? `${status.statuses} posts stored` : 'Opening…'}
        </span>
      </header>
      <StatusBanner />
      <main>
        {results !== null ? (
          <PostList posts={results} label="Search results" empty={`No posts match “${query}”.`} />
        ) : (
          <>
            <PostList posts={posts} label="Timeline" empty={loading ? 'Loading…' : 'No posts stored yet.'} />
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
        <PrivacyPanel />
      </aside>
    </div>
  );
}
