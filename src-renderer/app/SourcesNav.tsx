import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { Hash, List } from 'lucide-react';
import { engine } from './engine';
import { keys, useAfterFirstPage } from './query';

/** The lists and followed hashtags, each a timeline of its own. */
export function SourcesNav() {
  const [location] = useLocation();
  const sources = useQuery({
    queryKey: keys.sources,
    queryFn: () => engine().timeline.sources(),
    enabled: useAfterFirstPage(),
  }).data;
  if (!sources || (sources.lists.length === 0 && sources.tags.length === 0)) return null;
  return (
    <nav aria-label="Lists and hashtags" className="sources">
      <ul>
        {sources.lists.map((list) => {
          const to = `/lists/${list.accountId}/${encodeURIComponent(list.id)}`;
          return (
            <li key={`${list.accountId}:${list.id}`}>
              <Link href={to} aria-current={location === to ? 'page' : undefined}>
                <List aria-hidden="true" size={18} />
                <span>{list.title}</span>
              </Link>
            </li>
          );
        })}
        {sources.tags.map((tag) => {
          const to = `/tags/${encodeURIComponent(tag)}`;
          return (
            <li key={tag}>
              <Link href={to} aria-current={location === to ? 'page' : undefined}>
                <Hash aria-hidden="true" size={18} />
                <span>{tag}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
