import type { CardView } from '../../../src-shared/worker-api';
import { Blurhash } from '../../ui/Blurhash';
import { usePicture } from '../../ui/picture-policy';

/** The preview of the page a post links to; it opens outside the app. */
export function LinkCard({ card }: { card: CardView }) {
  const image = usePicture(card.image);
  let host = '';
  try {
    host = new URL(card.url).host;
  } catch {
    // The worker passes only https addresses; a broken one shows no host.
  }
  return (
    <a className="link-card" href={card.url} target="_blank" rel="noopener noreferrer nofollow">
      {image && (
        <span className="link-card-image">
          {card.blurhash && <Blurhash hash={card.blurhash} className="media-blur" />}
          <img src={image} alt="" loading="lazy" referrerPolicy="no-referrer" />
        </span>
      )}
      <span className="link-card-text">
        <span className="link-card-host">{card.providerName || host}</span>
        <strong>{card.title || host}</strong>
        {card.description && <span className="link-card-description">{card.description}</span>}
      </span>
    </a>
  );
}
