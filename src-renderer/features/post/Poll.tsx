import { useId, useState } from 'react';
import type { PollView, PostView } from '../../../src-shared/worker-api';
import { EmojiText } from '../../ui/EmojiText';
import { vote } from './commands';

const closing = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A post's poll: its choices to vote with while it is open and the acting account has not voted
 * (one or several, as the poll allows), else its results with the person's own choices marked.
 */
export function Poll({
  post,
  poll,
  accountId,
}: {
  post: PostView;
  poll: PollView;
  accountId: number | null;
}) {
  const [showResults, setShowResults] = useState(false);
  const canVote = accountId !== null && !poll.voted && !poll.expired && !post.deleted;
  if (canVote && !showResults)
    return <PollVote post={post} poll={poll} accountId={accountId} onResults={() => setShowResults(true)} />;
  return (
    <div className="poll">
      <PollResults poll={poll} />
      {canVote && (
        <button type="button" className="link-button" onClick={() => setShowResults(false)}>
          Back to voting
        </button>
      )}
    </div>
  );
}

function PollVote({
  post,
  poll,
  accountId,
  onResults,
}: {
  post: PostView;
  poll: PollView;
  accountId: number;
  onResults(): void;
}) {
  const name = useId();
  const [chosen, setChosen] = useState<number[]>([]);
  const [sending, setSending] = useState(false);
  return (
    <form
      className="poll poll-vote"
      onSubmit={(event) => {
        event.preventDefault();
        setSending(true);
        void vote(post, chosen, accountId).finally(() => setSending(false));
      }}
    >
      <fieldset>
        <legend>{poll.multiple ? 'Poll: choose one or more' : 'Poll: choose one'}</legend>
        {poll.options.map((option, i) => (
          <label key={i} className="poll-choice">
            <input
              type={poll.multiple ? 'checkbox' : 'radio'}
              name={name}
              checked={chosen.includes(i)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setChosen(
                  poll.multiple ? (on ? [...chosen, i] : chosen.filter((c) => c !== i)) : on ? [i] : [],
                );
              }}
            />{' '}
            <EmojiText text={option.title} emojis={poll.emojis} />
          </label>
        ))}
      </fieldset>
      <p className="poll-meta">
        <button type="submit" disabled={chosen.length === 0 || sending}>
          Vote
        </button>{' '}
        <button type="button" className="link-button" onClick={onResults}>
          See results
        </button>{' '}
        <PollMeta poll={poll} />
      </p>
    </form>
  );
}

function PollMeta({ poll }: { poll: PollView }) {
  const people = poll.voters ?? poll.votes;
  return (
    <span>
      {people} {people === 1 ? 'person' : 'people'} ·{' '}
      {poll.expired
        ? 'closed'
        : poll.expiresAt !== null
          ? `closes ${closing.format(poll.expiresAt)}`
          : 'open'}
    </span>
  );
}

/** A poll's options with their share of the votes, the person's own choices marked. */
function PollResults({ poll }: { poll: PollView }) {
  const total = poll.multiple ? (poll.voters ?? poll.votes) : poll.votes;
  return (
    <>
      <ul aria-label="Poll results">
        {poll.options.map((option, i) => {
          const share = total > 0 && option.votes !== null ? Math.round((option.votes / total) * 100) : null;
          const mine = poll.ownVotes.includes(i);
          return (
            <li key={i} className={mine ? 'poll-option poll-mine' : 'poll-option'}>
              <span className="poll-bar" style={{ width: `${share ?? 0}%` }} aria-hidden="true" />
              <span className="poll-share">{share === null ? '–' : `${share}%`}</span>{' '}
              <span className="poll-title">
                <EmojiText text={option.title} emojis={poll.emojis} />
              </span>
              {mine && <span className="poll-check"> (your vote)</span>}
            </li>
          );
        })}
      </ul>
      <p className="poll-meta">
        <PollMeta poll={poll} />
      </p>
    </>
  );
}
