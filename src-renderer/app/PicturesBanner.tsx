import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { setPicturePolicy, useHeldBackPictures } from '../ui/picture-policy';
import { engine } from './engine';
import { keys } from './query';

export const imageHostsQuery = {
  queryKey: keys.imageHosts,
  queryFn: () => engine().images.hosts(),
};

/**
 * Sets the page's picture policy once hosts are known (at start, or with the first posts stored),
 * and, when pictures from hosts learned since were held back, offers to load the page again, which
 * allows them.
 */
export function PicturesBanner() {
  const hosts = useQuery(imageHostsQuery).data;
  useEffect(() => {
    if (hosts) setPicturePolicy(hosts);
  }, [hosts]);
  const heldBack = useHeldBackPictures();
  if (heldBack.size === 0) return null;
  const names = [...heldBack].sort();
  return (
    <div className="banner" role="status" aria-label="Pictures">
      <p>
        Some pictures are not shown yet: they come from{' '}
        {names.length === 1 ? names[0] : `${names.length} servers (${names.join(', ')})`}, new since Corgi
        opened. They show once it loads again.{' '}
        <button type="button" onClick={() => window.location.reload()}>
          Show them
        </button>
      </p>
    </div>
  );
}
