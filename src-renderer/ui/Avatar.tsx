import { useState } from 'react';
import type { AuthorView } from '../../src-shared/worker-api';
import { usePicture } from './picture-policy';

/** The author's picture; their initial on a colour of their own when there is none or it fails. */
export function Avatar({ author, size = 40 }: { author: AuthorView; size?: number }) {
  const [failed, setFailed] = useState(false);
  // Pictures come over https only, from the hosts the page allows.
  const src = usePicture(author.avatarUrl);
  if (src && !failed) {
    return (
      <img
        className="avatar"
        src={src}
        alt=""
        width={size}
        height={size}
        loading="lazy"
        referrerPolicy="no-referrer"
        onError={() => setFailed(true)}
      />
    );
  }
  const name = author.displayName.trim() || author.acct;
  const initial = Array.from(name)[0]?.toUpperCase() ?? '?';
  let hash = 0;
  for (const ch of author.acct) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return (
    <span
      className="avatar avatar-initial"
      aria-hidden="true"
      style={{ width: size, height: size, backgroundColor: `hsl(${hash % 360} 45% 45%)` }}
    >
      {initial}
    </span>
  );
}
