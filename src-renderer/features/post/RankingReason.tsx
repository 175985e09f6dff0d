import { useState } from 'react';
import type { PostView } from '../../../src-shared/worker-api';
import { useUi } from '../../state/store';
import { FEATURE_LABELS } from '../settings/labels';
import { feedback } from './commands';

/** Why the post is here, in words and numbers, and "more/less like this" on that reason. */
export function RankingReason({ post }: { post: PostView }) {
  const ranking = post.ranking!;
  const done = useUi((s) => s.feedbackDone[post.uri]);
  const [open, setOpen] = useState(false);
  const contributions = Object.entries(ranking.contributions)
    .filter(([, value]) => value !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return (
    <div className="post-reason">
      <span className="reason-text">{ranking.reason}</span>{' '}
      <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Why?
      </button>{' '}
      {done ? (
        <span role="status">
          {done === 'more' ? 'You will see more like this.' : 'You will see less like this.'}
        </span>
      ) : (
        <>
          <button type="button" className="link-button" onClick={() => void feedback(post, 'more')}>
            More like this
          </button>{' '}
          <button type="button" className="link-button" onClick={() => void feedback(post, 'less')}>
            Less like this
          </button>
        </>
      )}
      {open && (
        <table className="contributions" aria-label="Score contributions">
          <tbody>
            {contributions.map(([feature, value]) => (
              <tr key={feature}>
                <th scope="row">{FEATURE_LABELS[feature as keyof typeof FEATURE_LABELS]}</th>
                <td>{value > 0 ? `+${value.toFixed(2)}` : value.toFixed(2)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">Score (position {ranking.position})</th>
              <td>{ranking.score.toFixed(2)}</td>
            </tr>
          </tbody>
        </table>
      )}
    </div>
  );
}
