import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';
import { useUi } from '../../state/store';
import { PostList } from '../post/PostList';

/** Everything stored here, searched as the person types: words, #hashtags, @people. */
export function SearchScreen() {
  const text = useUi((s) => s.searchText);
  const query = text.trim();
  const results = useQuery({
    queryKey: keys.search(query),
    queryFn: () => engine().search.posts(query, 50),
    enabled: query !== '',
    // The last answer stays while the next is on its way, instead of a blank list per keystroke.
    placeholderData: keepPreviousData,
  });
  const posts = query === '' ? [] : (results.data ?? []);
  return (
    <div className="screen search-screen">
      <div className="screen-bar">
        <h1 className="screen-title">Search</h1>
      </div>
      {query === '' ? (
        <p className="empty">Search the posts stored on this computer: words, #hashtags, @people.</p>
      ) : (
        <PostList
          key={query === '' ? 'none' : 'results'}
          posts={posts}
          label="Search results"
          empty={results.isFetching ? 'Searching…' : `No posts match “${query}”.`}
        />
      )}
    </div>
  );
}
