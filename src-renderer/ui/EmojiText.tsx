import type { EmojiView } from '../../src-shared/worker-api';
import { allowedPicture, usePicturePolicy } from './picture-policy';

/** A plain text (a name, a poll option, a content warning) with its custom emoji as pictures. */
export function EmojiText({ text, emojis = [] }: { text: string; emojis?: EmojiView[] }) {
  usePicturePolicy();
  if (emojis.length === 0 || !text.includes(':')) return <>{text}</>;
  const byCode = new Map(emojis.map((e) => [e.shortcode, e]));
  const parts = text.split(/:([A-Za-z0-9_]+):/);
  return (
    <>
      {parts.map((part, i) => {
        const emoji = i % 2 === 1 ? byCode.get(part) : undefined;
        if (i % 2 === 0) return part;
        const src = emoji && allowedPicture(emoji.url);
        if (!src) return `:${part}:`;
        return (
          <img key={i} className="emoji" src={src} alt={`:${part}:`} title={`:${part}:`} draggable={false} />
        );
      })}
    </>
  );
}
