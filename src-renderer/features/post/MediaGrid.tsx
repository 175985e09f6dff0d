import { useEffect, useRef, useState } from 'react';
import type { MediaView } from '../../../src-shared/worker-api';
import { Blurhash } from '../../ui/Blurhash';
import { allowedPicture, usePicture, usePicturePolicy } from '../../ui/picture-policy';

/**
 * A post's pictures in a grid (up to four shown), videos and sounds that play only when asked,
 * descriptions one click away, and a lightbox. Sensitive media stay blurred until shown.
 */
export function MediaGrid({ media, sensitive }: { media: MediaView[]; sensitive: boolean }) {
  const [shown, setShown] = useState(!sensitive);
  const [open, setOpen] = useState<number | null>(null);
  usePicturePolicy();
  const visual = media.filter((m) => m.type !== 'audio');
  const audio = media.filter((m) => m.type === 'audio');
  return (
    <div className="media">
      {visual.length > 0 && (
        <div className={`media-grid media-grid-${Math.min(visual.length, 4)}`}>
          {visual.slice(0, 4).map((m, i) => (
            <MediaTile key={i} media={m} hidden={!shown} onOpen={() => setOpen(i)} />
          ))}
          {!shown && (
            <button type="button" className="media-reveal" onClick={() => setShown(true)}>
              Sensitive media: show
            </button>
          )}
        </div>
      )}
      {shown && visual.length > 0 && sensitive && (
        <button type="button" className="link-button media-hide" onClick={() => setShown(false)}>
          Hide media
        </button>
      )}
      {audio.map((m, i) => (
        <figure key={i} className="media-audio">
          {allowedPicture(m.url) && (
            <audio controls preload="none" src={m.url!} aria-label={m.description ?? 'Sound'} />
          )}
          {m.description && <figcaption>{m.description}</figcaption>}
        </figure>
      ))}
      {open !== null && <Lightbox media={visual} start={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function MediaTile({ media, hidden, onOpen }: { media: MediaView; hidden: boolean; onOpen: () => void }) {
  const [alt, setAlt] = useState(false);
  const [loaded, setLoaded] = useState(false);
  // A picture that cannot be loaded leaves its placeholder, and says so, not a broken image.
  const [failed, setFailed] = useState(false);
  const ratio = media.width && media.height ? `${media.width} / ${media.height}` : undefined;
  const description = media.description ?? '';
  const picture = usePicture(media.previewUrl ?? media.url);
  const moving = usePicture(media.url);
  const poster = usePicture(media.previewUrl);
  return (
    <div className="media-tile" style={{ aspectRatio: ratio }}>
      {media.blurhash && (hidden || !loaded) && <Blurhash hash={media.blurhash} className="media-blur" />}
      {!hidden && media.type === 'image' && picture && !failed && (
        <button
          type="button"
          className="media-open"
          aria-label={`Open image: ${description || 'no description'}`}
          onClick={onOpen}
        >
          <img
            src={picture}
            alt={description}
            loading="lazy"
            decoding="async"
            referrerPolicy="no-referrer"
            onLoad={() => setLoaded(true)}
            onError={() => setFailed(true)}
          />
        </button>
      )}
      {!hidden && (media.type === 'video' || media.type === 'gifv') && moving && (
        <video
          src={moving}
          poster={poster ?? undefined}
          controls
          preload="none"
          loop={media.type === 'gifv'}
          muted={media.type === 'gifv'}
          playsInline
          aria-label={description || (media.type === 'gifv' ? 'Animation' : 'Video')}
        />
      )}
      {!hidden && media.type === 'image' && (failed || !picture) && (
        <span className="media-missing">Picture not loaded</span>
      )}
      {!hidden && (
        <button
          type="button"
          className={description ? 'alt-badge' : 'alt-badge alt-missing'}
          aria-expanded={alt}
          aria-label={description ? 'ALT: show the description' : 'ALT: no description'}
          disabled={!description}
          onClick={() => setAlt(!alt)}
        >
          ALT
        </button>
      )}
      {alt && <p className="alt-text">{description}</p>}
    </div>
  );
}

/** One picture at a time, as large as the window allows, with its description; arrows move. */
function Lightbox({ media, start, onClose }: { media: MediaView[]; start: number; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [index, setIndex] = useState(start);
  usePicturePolicy();
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const item = media[index]!;
  const src = allowedPicture(item.url);
  const move = (step: number) => setIndex((index + step + media.length) % media.length);
  return (
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label="Media"
      onClose={onClose}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight') move(1);
        if (e.key === 'ArrowLeft') move(-1);
      }}
    >
      <figure>
        {item.type === 'image' && src ? (
          <img src={src} alt={item.description ?? ''} referrerPolicy="no-referrer" />
        ) : (
          src && <video src={src} controls preload="metadata" playsInline />
        )}
        {item.description && <figcaption>{item.description}</figcaption>}
      </figure>
      <div className="lightbox-bar">
        {media.length > 1 && (
          <>
            <button type="button" onClick={() => move(-1)}>
              Previous
            </button>
            <span>
              {index + 1} of {media.length}
            </span>
            <button type="button" onClick={() => move(1)}>
              Next
            </button>
          </>
        )}
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </div>
    </dialog>
  );
}
