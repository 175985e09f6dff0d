import { useState } from 'react';
import type { PostView } from '../../../src-shared/worker-api';
import { reply } from './commands';
import { useQuery } from '@tanstack/react-query';
import { accountsQuery } from '../accounts/queries';

const VISIBILITIES = [
  ['public', 'Public'],
  ['unlisted', 'Quiet public'],
  ['private', 'Followers'],
  ['direct', 'Mentioned people only'],
] as const;
type Visibility = (typeof VISIBILITIES)[number][0];

export function ReplyForm({
  post,
  accountId,
  onDone,
}: {
  post: PostView;
  accountId: number;
  onDone: () => void;
}) {
  const accounts = useQuery(accountsQuery).data ?? [];
  // Everyone the post names stays in the conversation (the one replying aside), its author first.
  const [text, setText] = useState(() => {
    const self = accounts.find((a) => a.id === accountId)?.acct.toLowerCase();
    const handles = [post.author.acct, ...post.mentions.map((m) => m.acct)]
      .map((h) => h.toLowerCase())
      .filter((h, i, all) => h !== self && all.indexOf(h) === i);
    return handles.map((h) => `@${h} `).join('');
  });
  const [spoilerText, setSpoilerText] = useState('');
  // The reply reaches no further than the post did: an audience Corgi does not know (a server's
  // own, such as Akkoma's lists) gets followers only.
  const [visibility, setVisibility] = useState<Visibility>(
    VISIBILITIES.find(([value]) => value === post.visibility)?.[0] ?? 'private',
  );
  return (
    <form
      className="reply-form"
      aria-label="Reply"
      onSubmit={(e) => {
        e.preventDefault();
        void reply(post, { text, spoilerText, visibility }, accountId).then((queued) => queued && onDone());
      }}
    >
      <textarea
        aria-label="Reply text"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        rows={3}
        // The form opens to be written in.
        autoFocus
      />
      <input
        aria-label="Content warning"
        placeholder="Content warning (optional)"
        value={spoilerText}
        onChange={(e) => setSpoilerText(e.currentTarget.value)}
      />
      <select
        aria-label="Visibility"
        value={visibility}
        onChange={(e) => setVisibility(e.currentTarget.value as Visibility)}
      >
        {VISIBILITIES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <button type="submit" disabled={text.trim() === ''}>
        Send reply
      </button>
    </form>
  );
}
