import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Hash } from 'lucide-react';
import type { ServerSearchResult } from '../../../src-shared/worker-api';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';
import { useUi } from '../../state/store';
import { Avatar } from '../../ui/Avatar';
import { EmojiText } from '../../ui/EmojiText';
import { accountsQuery } from '../accounts/queries';
import { PostList } from '../post/PostList';

type Where = 'here' | 'server';

/**
 * Search: everything stored on this computer as the person types (words, #hashtags, @people),
 * and, when they ask, their server's search (people, hashtags, and the posts it can find), each
 * under its own tab saying where the results came from.
 */
export function SearchScreen() {
  const text = useUi((s) => s.searchText);
  const query = text.trim();
  const [where, setWhere] = useState<Where>('here');
  const accounts = (useQuery(accountsQuery).data ?? []).filter((a) => a.state === 'active');
  const server = (accounts.find((a) => a.isDefault) ?? accounts[0])?.instance ?? null;
  const local = useQuery({
    queryKey: keys.search(query),
    queryFn: () => engine().search.posts(query, 50),
    enabled: query !== '',
    // The last answer stays while the next is on its way, instead of a blank list per keystroke.
    placeholderData: keepPreviousData,
  });
  const posts = query === '' ? [] : (local.data ?? []);
  const tabs: [Where, string][] = [
    ['here', 'On this computer'],
    ...(server ? ([['server', `On ${server}`]] as [Where, string][]) : []),
  ];
  const shown = server ? where : 'here';
  return (
    <div className="screen search-screen">
      <div className="screen-bar">
        <h1 className="screen-title">Search</h1>
      </div>
      {query === '' ? (
        <p className="empty">
          Search the posts stored on this computer: words, #hashtags, @people
          {server ? `, and what ${server} can find.` : '.'}
        </p>
      ) : (
        <>
          <div className="segmented filters" role="tablist" aria-label="Where to search">
            {tabs.map(([id, label]) => (
              <button
                key={id}
                type="button"
                role="tab"
                id={`search-tab-${id}`}
                aria-selected={shown === id}
                aria-controls="search-results"
                onClick={() => setWhere(id)}
              >
                {label}
              </button>
            ))}
          </div>
          <div
            id="search-results"
            role="tabpanel"
            aria-labelledby={`search-tab-${shown}`}
            className="search-panel"
          >
            {shown === 'here' ? (
              <PostList
                key="here"
                posts={posts}
                label="Results on this computer"
                empty={local.isFetching ? 'Searching…' : `No posts stored here match “${query}”.`}
              />
            ) : (
              <ServerResults query={query} server={server!} />
            )}
          </div>
        </>
      )}
    </div>
  );
}

/** The server's answer: asked only once the person opens its tab, and once per query. */
function ServerResults({ query, server }: { query: string; server: string }) {
  const found = useQuery({
    queryKey: keys.serverSearch(query),
    queryFn: () => engine().mastodon.searchServer(query),
    staleTime: 5 * 60_000,
  });
  const posts = useQuery({
    queryKey: ['server-search-posts', found.data?.statusIds],
    queryFn: () => engine().timeline.posts(found.data!.statusIds),
    enabled: (found.data?.statusIds.length ?? 0) > 0,
  });
  if (found.isPending) return <p className="empty">Asking {server}…</p>;
  if (found.isError)
    return (
      <p className="empty" role="status">
        {server} could not be searched: {(found.error as Error).message}{' '}
        <button type="button" className="link-button" onClick={() => void found.refetch()}>
          Try again
        </button>
      </p>
    );
  return (
    <>
      <People result={found.data} />
      <PostList
        key="server"
        posts={posts.data ?? []}
        label={`Posts found on ${server}`}
        empty={
          found.data.statusIds.length > 0
            ? 'Loading…'
            : `${server} found no posts for “${query}” (many servers search only posts you wrote or acted on, or a post by its address).`
        }
      />
    </>
  );
}

function People({ result }: { result: ServerSearchResult }) {
  if (result.accounts.length === 0 && result.hashtags.length === 0) return null;
  return (
    <div className="search-found">
      {result.accounts.length > 0 && (
        <ul className="people" aria-label="People">
          {result.accounts.slice(0, 8).map((a) => (
            <li key={a.acct}>
              <a href={`#/@${a.acct}`} className="person">
                <Avatar author={a} size={32} />
                <span>
                  <strong>
                    <EmojiText text={a.displayName || a.acct} emojis={a.emojis} />
                  </strong>{' '}
                  <span className="post-acct">@{a.acct}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {result.hashtags.length > 0 && (
        <ul className="hashtags" aria-label="Hashtags">
          {result.hashtags.slice(0, 12).map((tag) => (
            <li key={tag}>
              <a href={`#/tags/${encodeURIComponent(tag)}`}>
                <Hash aria-hidden="true" size={14} />
                {tag}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
