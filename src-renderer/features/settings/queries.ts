import { queryOptions } from '@tanstack/react-query';
import { engine } from '../../app/engine';
import { keys } from '../../app/query';

export const rankingQuery = queryOptions({
  queryKey: keys.ranking,
  queryFn: () => engine().ranking.settings(),
});

export const privacyQuery = queryOptions({
  queryKey: keys.privacy,
  queryFn: () => engine().privacy.get(),
});

/** How long posts are kept, and what is stored. */
export const retentionQuery = queryOptions({
  queryKey: keys.retention,
  queryFn: () => engine().storage.retention(),
});
