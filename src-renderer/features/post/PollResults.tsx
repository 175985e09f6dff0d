import type { PollView } from '../../../src-shared/worker-api';
import { EmojiText } from '../../ui/EmojiText';

const closing = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A poll's options with their share of the votes, the person's own choices marked. */
export function PollResults({ poll }: { poll: PollView }) {
  const total = poll.multiple ? (poll.voters ?? poll.votes) : poll.votes;
  return (
    <div className="poll">
      <ul aria-label="Poll">
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
        {poll.voters ?? poll.votes} {(poll.voters ?? poll.votes) === 1 ? 'person' : 'people'} ·{' '}
        {poll.expired
          ? 'closed'
          : poll.expiresAt !== null
            ? `closes ${closing.format(poll.expiresAt)}`
            : 'open'}
      </p>
    </div>
  );
}
